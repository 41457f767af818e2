import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { StoredNextAction } from '../domain/next-action';
import type { CancellationReason, CaptureMethod, PaymentReview, PaymentStatus } from '../domain/payment-view';

export type PaymentMethodType = 'card' | 'bank_transfer' | 'wallet';

export interface PaymentCustomer {
  readonly id?: string;
  readonly email?: string;
  readonly ip?: string;
  readonly country?: string;
}

/** The gateway's read model of a payment: what merchants read back, fed by payments events. */
@Entity({ name: 'payments' })
export class PaymentEntity {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ name: 'merchant_id', type: 'text' })
  merchantId!: string;

  /** bigint: TypeORM hands it over as a string of minor units. */
  @Column({ name: 'amount_minor', type: 'bigint' })
  amountMinor!: string;

  /** Upper-case ISO 4217, as in events; the API shows it lower-case. */
  @Column({ type: 'char', length: 3 })
  currency!: string;

  @Column({ type: 'text' })
  status!: PaymentStatus;

  @Column({ name: 'capture_method', type: 'text' })
  captureMethod!: CaptureMethod;

  @Column({ name: 'amount_captured_minor', type: 'bigint', default: '0' })
  amountCapturedMinor!: string;

  @Column({ name: 'amount_refunded_minor', type: 'bigint', default: '0' })
  amountRefundedMinor!: string;

  /** Commands sent about this payment so far: the next command's aggregate sequence is one more. */
  @Column({ name: 'commands_sent', type: 'integer', default: 1 })
  commandsSent!: number;

  @Column({ name: 'payment_method_type', type: 'text', default: 'card' })
  paymentMethodType!: PaymentMethodType;

  /** bank_transfer: { country }; wallet: { provider }; null for cards (their columns follow). */
  @Column({ name: 'payment_method_details', type: 'jsonb', nullable: true })
  paymentMethodDetails!: Record<string, string> | null;

  /** What the customer must do next (a QR code, a bank transfer reference), in the contract's words. */
  @Column({ name: 'next_action', type: 'jsonb', nullable: true })
  nextAction!: StoredNextAction | null;

  @Column({ name: 'card_token', type: 'text', nullable: true })
  cardToken!: string | null;

  @Column({ name: 'card_brand', type: 'text', nullable: true })
  cardBrand!: string | null;

  @Column({ name: 'card_last4', type: 'char', length: 4, nullable: true })
  cardLast4!: string | null;

  @Column({ name: 'card_exp_month', type: 'smallint', nullable: true })
  cardExpMonth!: number | null;

  @Column({ name: 'card_exp_year', type: 'smallint', nullable: true })
  cardExpYear!: number | null;

  @Column({ name: 'card_fingerprint', type: 'text', nullable: true })
  cardFingerprint!: string | null;

  /** The conversion into the merchant's settlement currency (all null for a payment without one). */
  @Column({ name: 'fx_settlement_currency', type: 'char', length: 3, nullable: true })
  fxSettlementCurrency!: string | null;

  @Column({ name: 'fx_rate', type: 'text', nullable: true })
  fxRate!: string | null;

  @Column({ name: 'fx_rate_version', type: 'text', nullable: true })
  fxRateVersion!: string | null;

  @Column({ name: 'fx_authorized_settlement_minor', type: 'bigint', nullable: true })
  fxAuthorizedSettlementMinor!: string | null;

  @Column({ name: 'fx_captured_settlement_minor', type: 'bigint', default: '0' })
  fxCapturedSettlementMinor!: string;

  @Column({ type: 'jsonb', nullable: true })
  customer!: PaymentCustomer | null;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Column({ type: 'jsonb', default: () => "'{}'::jsonb" })
  metadata!: Record<string, string>;

  @Column({ name: 'failure_code', type: 'text', nullable: true })
  failureCode!: string | null;

  @Column({ name: 'failure_message', type: 'text', nullable: true })
  failureMessage!: string | null;

  @Column({ name: 'cancellation_reason', type: 'text', nullable: true })
  cancellationReason!: CancellationReason | null;

  /** The manual review risk opened, in PaymentReview's shape; null when none was. */
  @Column({ type: 'jsonb', nullable: true })
  review!: PaymentReview | null;

  @Column({ name: 'correlation_id', type: 'text' })
  correlationId!: string;

  @Column({ name: 'last_event_sequence', type: 'integer', default: 0 })
  lastEventSequence!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
