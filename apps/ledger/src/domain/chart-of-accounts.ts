/** The five account types of double-entry bookkeeping. */
export type AccountType = 'asset' | 'liability' | 'equity' | 'revenue' | 'expense';

/**
 * Kinds of account the platform opens, per currency, on first use. The code of an account is
 * `<kind>:<owner...>:<CURRENCY>`; owner segments are URI-encoded so a ':' in a processor or
 * merchant id can never make two accounts share a code. Balances are signed: debits positive,
 * so an asset normally has a positive balance and a liability or revenue a negative one.
 */
export const ACCOUNT_KINDS = Object.freeze({
  /** What a processor owes the platform for captured payments, until it settles. */
  processor_receivable: { type: 'asset', owner: 'processor' },
  /** Authorized but not yet captured: the processor's promise, the memo side of a hold. */
  authorization_pending: { type: 'asset', owner: 'processor' },
  /** The platform's bank account, where processors settle and payouts leave from. */
  platform_bank: { type: 'asset', owner: null },
  /** A merchant's authorized funds on hold (the other side of authorization_pending). */
  merchant_hold: { type: 'liability', owner: 'merchant' },
  /** What the platform owes a merchant for captured payments, not yet settled by the processor. */
  merchant_pending: { type: 'liability', owner: 'merchant' },
  /** Settled funds a merchant can be paid out. */
  merchant_available: { type: 'liability', owner: 'merchant' },
  /** Payouts reserved from available and sent to the bank, not yet confirmed paid. */
  payouts_in_flight: { type: 'liability', owner: 'merchant' },
  /** Disputed amounts held from a merchant until the dispute closes. */
  chargebacks_in_flight: { type: 'liability', owner: 'merchant' },
  /** The platform's fees. */
  fee_revenue: { type: 'revenue', owner: null },
  /** What processors charge the platform when they settle. */
  processor_fees: { type: 'expense', owner: null },
  /** The platform's position in a currency after conversions: one leg per currency. */
  fx_position: { type: 'equity', owner: null },
} as const satisfies Record<string, { type: AccountType; owner: string | null }>);

export type AccountKind = keyof typeof ACCOUNT_KINDS;

export interface AccountRef {
  readonly code: string;
  readonly type: AccountType;
  readonly currency: string;
}

function ref(kind: AccountKind, owner: string | null, currency: string): AccountRef {
  const code = owner === null ? `${kind}:${currency}` : `${kind}:${encodeURIComponent(owner)}:${currency}`;
  return { code, type: ACCOUNT_KINDS[kind].type, currency };
}

export const accounts = {
  processorReceivable: (processor: string, currency: string) =>
    ref('processor_receivable', processor, currency),
  authorizationPending: (processor: string, currency: string) =>
    ref('authorization_pending', processor, currency),
  platformBank: (currency: string) => ref('platform_bank', null, currency),
  merchantHold: (merchantId: string, currency: string) => ref('merchant_hold', merchantId, currency),
  merchantPending: (merchantId: string, currency: string) => ref('merchant_pending', merchantId, currency),
  merchantAvailable: (merchantId: string, currency: string) =>
    ref('merchant_available', merchantId, currency),
  payoutsInFlight: (merchantId: string, currency: string) => ref('payouts_in_flight', merchantId, currency),
  chargebacksInFlight: (merchantId: string, currency: string) =>
    ref('chargebacks_in_flight', merchantId, currency),
  feeRevenue: (currency: string) => ref('fee_revenue', null, currency),
  processorFees: (currency: string) => ref('processor_fees', null, currency),
  fxPosition: (currency: string) => ref('fx_position', null, currency),
};
