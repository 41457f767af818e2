import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { CaptureMethod, PaymentStatus } from '../domain/payment-view';

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

  @Column({ name: 'card_token', type: 'text' })
  cardToken!: string;

  @Column({ name: 'card_brand', type: 'text' })
  cardBrand!: string;

  @Column({ name: 'card_last4', type: 'char', length: 4 })
  cardLast4!: string;

  @Column({ name: 'card_exp_month', type: 'smallint' })
  cardExpMonth!: number;

  @Column({ name: 'card_exp_year', type: 'smallint' })
  cardExpYear!: number;

  @Column({ name: 'card_fingerprint', type: 'text' })
  cardFingerprint!: string;

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

  @Column({ name: 'correlation_id', type: 'text' })
  correlationId!: string;

  @Column({ name: 'last_event_sequence', type: 'integer', default: 0 })
  lastEventSequence!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
