import { Column, Entity, PrimaryColumn } from 'typeorm';

/** An append-only journal entry; the database refuses updates and deletes. */
@Entity({ name: 'journal_entries' })
export class JournalEntryEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'bigint', unique: true })
  sequence!: string;

  @Column({ name: 'source_event_id', type: 'uuid', unique: true })
  sourceEventId!: string;

  @Column({ type: 'text' })
  kind!: string;

  @Column({ name: 'merchant_id', type: 'text', nullable: true })
  merchantId!: string | null;

  @Column({ name: 'payment_id', type: 'text', nullable: true })
  paymentId!: string | null;

  @Column({ name: 'aggregate_id', type: 'text', nullable: true })
  aggregateId!: string | null;

  @Column({ type: 'jsonb' })
  details!: Record<string, string>;

  @Column({ name: 'reverses_entry_id', type: 'uuid', nullable: true })
  reversesEntryId!: string | null;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt!: Date;

  @Column({ name: 'previous_hash', type: 'char', length: 64 })
  previousHash!: string;

  @Column({ type: 'char', length: 64 })
  hash!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
