/** The five account types of double-entry bookkeeping. */
export type AccountType = 'asset' | 'liability' | 'equity' | 'revenue' | 'expense';

/**
 * Kinds of account the platform opens, per currency, on first use. The code of an account is
 * `<kind>:<owner...>:<CURRENCY>`; owner segments are URI-encoded so a ':' in a processor or
 * merchant id can never make two accounts share a code.
 */
export const ACCOUNT_KINDS = Object.freeze({
  /** What a processor owes the platform for captured payments, until it settles. */
  processor_receivable: { type: 'asset', owner: 'processor' },
  /** What the platform owes a merchant for captured payments, not yet available for payout. */
  merchant_pending: { type: 'liability', owner: 'merchant' },
  /** The platform's fees. */
  fee_revenue: { type: 'revenue', owner: null },
} as const satisfies Record<string, { type: AccountType; owner: string | null }>);

export type AccountKind = keyof typeof ACCOUNT_KINDS;

export interface AccountRef {
  readonly code: string;
  readonly type: AccountType;
  readonly currency: string;
}

function code(kind: AccountKind, owner: string | null, currency: string): string {
  return owner === null ? `${kind}:${currency}` : `${kind}:${encodeURIComponent(owner)}:${currency}`;
}

export const accounts = {
  processorReceivable: (processor: string, currency: string): AccountRef => ({
    code: code('processor_receivable', processor, currency),
    type: ACCOUNT_KINDS.processor_receivable.type,
    currency,
  }),
  merchantPending: (merchantId: string, currency: string): AccountRef => ({
    code: code('merchant_pending', merchantId, currency),
    type: ACCOUNT_KINDS.merchant_pending.type,
    currency,
  }),
  feeRevenue: (currency: string): AccountRef => ({
    code: code('fee_revenue', null, currency),
    type: ACCOUNT_KINDS.fee_revenue.type,
    currency,
  }),
};
