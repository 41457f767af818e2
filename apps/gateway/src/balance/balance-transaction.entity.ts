import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { BalanceTransactionStatus, BalanceTransactionType } from '../domain/balance-transactions';

/** One change to a merchant balance (see domain/balance-transactions.ts); money as bigint text. */
@Entity({ name: 'balance_transactions' })
export class BalanceTransactionEntity {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ name: 'merchant_id', type: 'text' })
  merchantId!: string;

  @Column({ type: 'char', length: 3 })
  currency!: string;

  @Column({ type: 'text' })
  type!: BalanceTransactionType;

  @Column({ type: 'text' })
  status!: BalanceTransactionStatus;

  @Column({ name: 'amount_minor', type: 'bigint' })
  amountMinor!: string;

  @Column({ name: 'fee_minor', type: 'bigint' })
  feeMinor!: string;

  @Column({ name: 'net_minor', type: 'bigint' })
  netMinor!: string;

  @Column({ name: 'exchange_rate', type: 'text', nullable: true })
  exchangeRate!: string | null;

  @Column({ type: 'text', nullable: true })
  source!: string | null;

  @Column({ type: 'text' })
  description!: string;

  @Column({ name: 'payout_id', type: 'text', nullable: true })
  payoutId!: string | null;

  @Column({ name: 'ledger_entry_id', type: 'uuid', nullable: true })
  ledgerEntryId!: string | null;

  @Column({ name: 'ledger_sequence', type: 'bigint' })
  ledgerSequence!: string;

  @Column({ type: 'integer' })
  ordinal!: number;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'available_on', type: 'timestamptz', nullable: true })
  availableOn!: Date | null;
}
