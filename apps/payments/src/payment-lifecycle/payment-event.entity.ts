import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One event this service emitted about a payment; the table refuses updates and deletes. */
@Entity({ name: 'payment_events' })
export class PaymentEventEntity {
  @PrimaryColumn({ name: 'event_id', type: 'uuid' })
  eventId!: string;

  @Column({ name: 'payment_id', type: 'text' })
  paymentId!: string;

  @Column({ type: 'integer' })
  sequence!: number;

  @Column({ name: 'event_type', type: 'text' })
  eventType!: string;

  @Column({ type: 'jsonb' })
  envelope!: unknown;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt!: Date;

  @Column({ name: 'recorded_at', type: 'timestamptz' })
  recordedAt!: Date;
}
