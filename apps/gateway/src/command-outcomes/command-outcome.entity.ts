import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { StoredOutcome } from '../domain/command-outcome';

/**
 * A command the gateway sent to the payments service, and what became of it: pending until the
 * first event it caused (applied) or its payment.command_rejected (rejected) is applied here.
 */
@Entity({ name: 'command_outcomes' })
export class CommandOutcomeEntity {
  @PrimaryColumn({ name: 'command_id', type: 'uuid' })
  commandId!: string;

  @Column({ name: 'merchant_id', type: 'text' })
  merchantId!: string;

  @Column({ name: 'command_type', type: 'text' })
  commandType!: string;

  @Column({ name: 'payment_id', type: 'text', nullable: true })
  paymentId!: string | null;

  @Column({ type: 'text' })
  outcome!: StoredOutcome;

  /** The event that decided it: the first one the command caused, or payment.command_rejected. */
  @Column({ name: 'event_type', type: 'text', nullable: true })
  eventType!: string | null;

  /** For a rejection, the payments service's code, such as invalid_state_transition. */
  @Column({ type: 'text', nullable: true })
  code!: string | null;

  @Column({ type: 'text', nullable: true })
  message!: string | null;

  @Column({ name: 'source_event_id', type: 'uuid', nullable: true })
  sourceEventId!: string | null;

  @Column({ name: 'sent_at', type: 'timestamptz', nullable: true })
  sentAt!: Date | null;

  @Column({ name: 'decided_at', type: 'timestamptz', nullable: true })
  decidedAt!: Date | null;
}
