import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One signed line of an entry (debit positive, credit negative); append-only. */
@Entity({ name: 'postings' })
export class PostingEntity {
  @PrimaryColumn({ name: 'entry_id', type: 'uuid' })
  entryId!: string;

  @PrimaryColumn({ type: 'smallint' })
  position!: number;

  @Column({ name: 'account_id', type: 'bigint' })
  accountId!: string;

  @Column({ type: 'char', length: 3 })
  currency!: string;

  @Column({ name: 'amount_minor', type: 'bigint' })
  amountMinor!: string;
}
