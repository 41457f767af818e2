import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** Something that happened to a merchant's object, as GET /v1/events and webhooks show it. */
@Entity({ name: 'merchant_events' })
export class MerchantEventEntity {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ name: 'merchant_id', type: 'text' })
  merchantId!: string;

  @Column({ type: 'text' })
  type!: string;

  /** The platform event it came from: a replay of that event records nothing new. */
  @Column({ name: 'source_event_id', type: 'uuid' })
  sourceEventId!: string;

  /** `{ object: <the resource after the event> }`. */
  @Column({ type: 'jsonb' })
  data!: { object: unknown };

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
