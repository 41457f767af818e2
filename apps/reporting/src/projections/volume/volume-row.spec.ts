import fc from 'fast-check';
import { applyEntryToVolume, utcDay, type LedgerEntryPosted, type VolumeRow } from './volume-row';

function captureEntry(
  overrides: Partial<LedgerEntryPosted['context']> = {},
  entryId = '6f1c1f9e-4a4b-4c4d-8e8f-000000000001',
) {
  const context = {
    merchantId: 'mer_abcdefgh',
    paymentId: 'pay_abcdefghijklmnopqrstuvwx',
    paymentMethodType: 'card' as const,
    currency: 'USD',
    grossAmountMinor: '10000',
    feeAmountMinor: '320',
    occurredAt: '2025-11-20T10:00:00.000Z',
    ...overrides,
  };
  const entry: LedgerEntryPosted = {
    entryId,
    sequence: '1',
    hash: 'a'.repeat(64),
    kind: 'capture',
    sourceEventId: '6f1c1f9e-4a4b-4c4d-8e8f-000000000002',
    postings: [
      {
        accountCode: 'processor_receivable:simulated-a:USD',
        accountType: 'asset',
        currency: 'USD',
        amountMinor: '10000',
      },
      {
        accountCode: 'merchant_pending:mer_abcdefgh:USD',
        accountType: 'liability',
        currency: 'USD',
        amountMinor: '-9680',
      },
      { accountCode: 'fee_revenue:USD', accountType: 'revenue', currency: 'USD', amountMinor: '-320' },
    ],
    context,
  };
  return entry;
}

describe('applyEntryToVolume', () => {
  it('opens a row from the first capture', () => {
    expect(applyEntryToVolume(undefined, captureEntry())).toEqual<VolumeRow>({
      merchantId: 'mer_abcdefgh',
      day: '2025-11-20',
      currency: 'USD',
      paymentMethod: 'card',
      grossMinor: 10_000n,
      feeMinor: 320n,
      netMinor: 9_680n,
      captureCount: 1n,
    });
  });

  it('adds a second capture to the row', () => {
    const first = applyEntryToVolume(undefined, captureEntry());
    const second = applyEntryToVolume(
      first,
      captureEntry({ grossAmountMinor: '1234', feeAmountMinor: '66' }),
    );
    expect(second).toMatchObject({
      grossMinor: 11_234n,
      feeMinor: 386n,
      netMinor: 10_848n,
      captureCount: 2n,
    });
    expect(second.netMinor).toBe(second.grossMinor - second.feeMinor);
  });

  it('adds exactly beyond 2^53', () => {
    const big = '999999999999999';
    const row = applyEntryToVolume(
      applyEntryToVolume(undefined, captureEntry({ grossAmountMinor: big, feeAmountMinor: '0' })),
      captureEntry({ grossAmountMinor: big, feeAmountMinor: '1' }),
    );
    expect(row.grossMinor).toBe(1_999_999_999_999_998n);
    expect(row.netMinor).toBe(1_999_999_999_999_997n);
  });

  it('refuses an entry of another row', () => {
    const row = applyEntryToVolume(undefined, captureEntry());
    expect(() => applyEntryToVolume(row, captureEntry({ currency: 'EUR' }))).toThrow(/another volume row/);
    expect(() => applyEntryToVolume(row, captureEntry({ merchantId: 'mer_zzzzzzzz' }))).toThrow(
      /another volume row/,
    );
    expect(() => applyEntryToVolume(row, captureEntry({ occurredAt: '2025-11-21T00:00:00.000Z' }))).toThrow(
      /another volume row/,
    );
  });

  it('refuses a fee above the gross', () => {
    expect(() =>
      applyEntryToVolume(undefined, captureEntry({ grossAmountMinor: '10', feeAmountMinor: '11' })),
    ).toThrow(/fee 11 above its gross 10/);
  });

  it('does not change the row it was given', () => {
    const row = applyEntryToVolume(undefined, captureEntry());
    applyEntryToVolume(row, captureEntry());
    expect(row.captureCount).toBe(1n);
  });

  it('property: the result does not depend on the order the entries arrive in', () => {
    const entryArb = fc.record({
      gross: fc.bigInt({ min: 1n, max: 999_999_999_999n }),
      feeShare: fc.integer({ min: 0, max: 100 }),
    });
    fc.assert(
      fc.property(fc.array(entryArb, { minLength: 1, maxLength: 30 }), fc.integer(), (specs, seed) => {
        const entries = specs.map((s) =>
          captureEntry({
            grossAmountMinor: s.gross.toString(),
            feeAmountMinor: ((s.gross * BigInt(s.feeShare)) / 100n).toString(),
          }),
        );
        const shuffled = [...entries].sort(() => ((seed = (seed * 1_103_515_245 + 12_345) | 0) & 1 ? 1 : -1));
        const fold = (list: typeof entries) =>
          list.reduce<VolumeRow | undefined>(applyEntryToVolume, undefined);
        expect(fold(shuffled)).toEqual(fold(entries));
      }),
    );
  });
});

describe('utcDay', () => {
  it('takes the UTC day, whatever the offset', () => {
    expect(utcDay('2025-11-20T23:30:00.000Z')).toBe('2025-11-20');
    expect(utcDay('2025-11-21T01:30:00+05:30')).toBe('2025-11-20');
    expect(utcDay('2025-11-20T22:30:00-02:00')).toBe('2025-11-21');
  });

  it('refuses a string that is not a timestamp', () => {
    expect(() => utcDay('yesterday')).toThrow(/not a timestamp/);
  });
});
