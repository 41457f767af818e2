import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A command the payments service refused (payment.command_rejected): it had no effect. */
@Entity({ name: 'command_rejections' })
export class CommandRejectionEntity {
  @PrimaryColumn({ name: 'command_id', type: 'uuid' })
  commandId!: string;

  @Column({ name: 'merchant_id', type: 'text' })
  merchantId!: string;

  @Column({ name: 'command_type', type: 'text' })
  commandType!: string;

  @Column({ name: 'payment_id', type: 'text', nullable: true })
  paymentId!: string | null;

  /** The payments service's code, such as invalid_state_transition or processor_error. */
  @Column({ type: 'text' })
  code!: string;

  @Column({ type: 'text' })
  message!: string;

  @Column({ name: 'source_event_id', type: 'uuid' })
  sourceEventId!: string;

  @Column({ name: 'rejected_at', type: 'timestamptz', default: () => 'now()' })
  rejectedAt!: Date;
}
