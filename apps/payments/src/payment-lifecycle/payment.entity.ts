import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { PendingAction } from '../domain/payment';

/** The card as stored here: vault token and display data; there is no column for a card number. */
export interface StoredCardMethod {
  readonly type: 'card';
  readonly card: {
    readonly token: string;
    readonly brand: string;
    readonly bin: string;
    readonly last4: string;
    readonly expMonth: number;
    readonly expYear: number;
    readonly fingerprint: string;
    readonly country?: string;
  };
}

export type StoredPaymentMethod =
  | StoredCardMethod
  | { readonly type: 'bank_transfer'; readonly bankTransfer: { readonly country: string } }
  | { readonly type: 'wallet'; readonly wallet: { readonly provider: 'alipay' | 'wechat_pay' } };

export interface StoredCustomer {
  readonly id?: string;
  readonly email?: string;
  readonly ip?: string;
  readonly country?: string;
}

export interface StoredDispute {
  readonly disputeId: string;
  readonly amountMinor: string;
  readonly status: 'open' | 'won' | 'lost';
}

@Entity({ name: 'payments' })
export class PaymentEntity {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ name: 'merchant_id', type: 'text' })
  merchantId!: string;

  /** bigint: TypeORM hands it over as a string; convert with BigInt. */
  @Column({ name: 'amount_minor', type: 'bigint' })
  amountMinor!: string;

  @Column({ name: 'amount_captured_minor', type: 'bigint' })
  amountCapturedMinor!: string;

  @Column({ name: 'amount_refunded_minor', type: 'bigint' })
  amountRefundedMinor!: string;

  @Column({ name: 'capture_count', type: 'integer' })
  captureCount!: number;

  @Column({ type: 'text' })
  currency!: string;

  @Column({ name: 'capture_method', type: 'text' })
  captureMethod!: string;

  @Column({ type: 'text' })
  status!: string;

  @Column({ name: 'payment_method', type: 'jsonb' })
  paymentMethod!: StoredPaymentMethod;

  /** Merchant-initiated with a saved method: processors are told, and cannot ask the customer to act. */
  @Column({ name: 'off_session', type: 'boolean', default: false })
  offSession!: boolean;

  @Column({ type: 'jsonb', nullable: true })
  customer!: StoredCustomer | null;

  @Column({ type: 'text', nullable: true })
  processor!: string | null;

  @Column({ name: 'processor_reference', type: 'text', nullable: true })
  processorReference!: string | null;

  @Column({ name: 'pending_action', type: 'jsonb', nullable: true })
  pendingAction!: PendingAction | null;

  @Column({ type: 'jsonb', nullable: true })
  dispute!: StoredDispute | null;

  @Column({ name: 'authorized_at', type: 'timestamptz', nullable: true })
  authorizedAt!: Date | null;

  @Column({ name: 'action_expires_at', type: 'timestamptz', nullable: true })
  actionExpiresAt!: Date | null;

  @Column({ name: 'settlement_currency', type: 'text', nullable: true })
  settlementCurrency!: string | null;

  /** The conversion into the settlement currency: all four set, or none. */
  @Column({ name: 'fx_settlement_currency', type: 'text', nullable: true })
  fxSettlementCurrency!: string | null;

  @Column({ name: 'fx_settlement_amount_minor', type: 'bigint', nullable: true })
  fxSettlementAmountMinor!: string | null;

  @Column({ name: 'fx_rate', type: 'text', nullable: true })
  fxRate!: string | null;

  @Column({ name: 'fx_rate_version', type: 'text', nullable: true })
  fxRateVersion!: string | null;

  /** Set while the payment waits for its first risk assessment; the risk-timeout scan's clock. */
  @Column({ name: 'risk_deadline_at', type: 'timestamptz', nullable: true })
  riskDeadlineAt!: Date | null;

  /** The risk decision applied, or 'unscreened' when it went on without one (fail-open). */
  @Column({ name: 'risk_screening', type: 'text', nullable: true })
  riskScreening!: string | null;

  @Column({ name: 'failure_code', type: 'text', nullable: true })
  failureCode!: string | null;

  @Column({ name: 'failure_message', type: 'text', nullable: true })
  failureMessage!: string | null;

  @Column({ type: 'integer' })
  version!: number;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
