import { randomUUID } from 'node:crypto';
import { createEvent, type EventEnvelope } from '@platform/contracts';

export interface EntrySpec {
  readonly sequence: number;
  readonly kind:
    | 'capture'
    | 'refund'
    | 'payout'
    | 'payout_paid'
    | 'payout_failed'
    | 'settlement'
    | 'dispute_hold';
  readonly merchantId: string;
  readonly currency?: string;
  readonly grossMinor: bigint;
  readonly feeMinor?: bigint;
  readonly method?: 'card' | 'bank_transfer' | 'wallet';
  readonly occurredAt?: string;
  /**
   * A capture or refund presented in `currency` and settled in another, as the ledger posts it:
   * the processor side in the presentment currency, the merchant's side and the fee in this one.
   */
  readonly fx?: { readonly currency: string; readonly grossMinor: bigint; readonly rate: string };
}

/** A ledger.entry_posted event valid per the contract, with balanced postings like the ledger's. */
export function entryPosted(spec: EntrySpec): EventEnvelope<'ledger.entry_posted'> {
  const currency = spec.currency ?? 'USD';
  const fee = spec.feeMinor ?? 0n;
  const gross = spec.grossMinor;
  const m = spec.merchantId;
  const paymentId = `pay_${String(spec.sequence).padStart(12, '0')}${randomUUID().slice(0, 8)}`;
  const posting = (
    accountCode: string,
    accountType: 'asset' | 'liability' | 'revenue',
    amount: bigint,
    inCurrency = currency,
  ) => ({ accountCode, accountType, currency: inCurrency, amountMinor: amount.toString() });
  const fx = spec.fx;
  const fxPostings =
    fx === undefined
      ? undefined
      : spec.kind === 'capture'
        ? [
            posting(`processor_receivable:simulated-a:${currency}`, 'asset', gross),
            posting(`fx_position:${currency}`, 'asset', -gross),
            posting(`fx_position:${fx.currency}`, 'asset', fx.grossMinor, fx.currency),
            posting(`merchant_pending:${m}:${fx.currency}`, 'liability', -(fx.grossMinor - fee), fx.currency),
            posting(`fee_revenue:${fx.currency}`, 'revenue', -fee, fx.currency),
          ]
        : [
            posting(`merchant_available:${m}:${fx.currency}`, 'liability', fx.grossMinor, fx.currency),
            posting(`processor_receivable:simulated-a:${currency}`, 'asset', -gross),
            posting(`fx_position:${fx.currency}`, 'asset', -fx.grossMinor, fx.currency),
            posting(`fx_position:${currency}`, 'asset', gross),
          ];
  const postings =
    fxPostings ??
    (spec.kind === 'capture'
      ? [
          posting(`processor_receivable:simulated-a:${currency}`, 'asset', gross),
          posting(`merchant_pending:${m}:${currency}`, 'liability', -(gross - fee)),
          posting(`fee_revenue:${currency}`, 'revenue', -fee),
        ]
      : spec.kind === 'refund'
        ? [
            posting(`merchant_available:${m}:${currency}`, 'liability', gross),
            posting(`processor_receivable:simulated-a:${currency}`, 'asset', -gross),
          ]
        : spec.kind === 'payout'
          ? [
              posting(`merchant_available:${m}:${currency}`, 'liability', gross),
              posting(`merchant_payout_reserved:${m}:${currency}`, 'liability', -gross),
            ]
          : spec.kind === 'payout_paid'
            ? [
                posting(`merchant_payout_reserved:${m}:${currency}`, 'liability', gross),
                posting(`platform_bank:${currency}`, 'asset', -gross),
              ]
            : spec.kind === 'dispute_hold'
              ? [
                  posting(`merchant_available:${m}:${currency}`, 'liability', gross),
                  posting(`chargebacks_in_flight:${m}:${currency}`, 'liability', -gross),
                ]
              : spec.kind === 'payout_failed'
                ? [
                    posting(`merchant_payout_reserved:${m}:${currency}`, 'liability', gross),
                    posting(`merchant_available:${m}:${currency}`, 'liability', -gross),
                  ]
                : [
                    posting(`merchant_pending:${m}:${currency}`, 'liability', gross),
                    posting(`merchant_available:${m}:${currency}`, 'liability', -gross),
                  ]);
  return createEvent(
    'ledger.entry_posted',
    {
      entryId: randomUUID(),
      sequence: String(spec.sequence),
      hash: 'a'.repeat(64),
      kind: spec.kind,
      sourceEventId: randomUUID(),
      postings,
      context: {
        merchantId: m,
        ...(spec.kind === 'capture' || spec.kind === 'refund' || spec.kind === 'dispute_hold'
          ? { paymentId, paymentMethodType: spec.method ?? 'card' }
          : {}),
        currency,
        grossAmountMinor: gross.toString(),
        feeAmountMinor: fee.toString(),
        ...(fx !== undefined && spec.kind === 'capture'
          ? {
              fx: {
                settlementCurrency: fx.currency,
                settlementAmountMinor: fx.grossMinor.toString(),
                rate: fx.rate,
                rateVersion: '2026-11-25',
              },
            }
          : {}),
        occurredAt: spec.occurredAt ?? new Date().toISOString(),
      },
    },
    {
      aggregateId: paymentId,
      aggregateSequence: 1,
      merchantId: m,
      correlationId: randomUUID(),
      causationId: null,
    },
  );
}
