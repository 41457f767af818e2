import { createHash } from 'node:crypto';
import fc from 'fast-check';
import {
  GENESIS_HASH,
  canonicalEntry,
  canonicalJson,
  entryHash,
  type HashedEntryContent,
} from './entry-hash';

const entry: HashedEntryContent = {
  id: '6f1c1f9e-4a4b-4c4d-8e8f-000000000001',
  sequence: 1n,
  kind: 'capture',
  sourceEventId: '6f1c1f9e-4a4b-4c4d-8e8f-000000000002',
  merchantId: 'mer_abcdefgh',
  paymentId: 'pay_abcdefghijklmnopqrstuvwx',
  occurredAt: new Date('2025-11-20T10:00:00.123Z'),
  postings: [
    { accountCode: 'processor_receivable:simulated-a:USD', currency: 'USD', amountMinor: 10_000n },
    { accountCode: 'merchant_pending:mer_abcdefgh:USD', currency: 'USD', amountMinor: -9_680n },
    { accountCode: 'fee_revenue:USD', currency: 'USD', amountMinor: -320n },
  ],
};

describe('canonicalJson', () => {
  it('sorts keys at every level and keeps array order', () => {
    expect(canonicalJson({ b: '1', a: [{ d: '2', c: null }, 'x'], e: true })).toBe(
      '{"a":[{"c":null,"d":"2"},"x"],"b":"1","e":true}',
    );
  });

  it('writes amounts and the sequence as strings', () => {
    expect(canonicalEntry(entry)).toContain('"amountMinor":"-9680"');
    expect(canonicalEntry(entry)).toContain('"sequence":"1"');
    expect(canonicalEntry(entry)).toContain('"occurredAt":"2025-11-20T10:00:00.123Z"');
  });
});

/** The canonical entry as first defined: canonicalJson over the entry as an object. */
function canonicalEntryAsObject(e: HashedEntryContent): string {
  const optional: Record<string, string | Readonly<Record<string, string>>> = {};
  if (e.aggregateId != null && e.aggregateId !== e.paymentId) optional.aggregateId = e.aggregateId;
  if (e.details !== undefined && Object.keys(e.details).length > 0) optional.details = e.details;
  if (e.reversesEntryId != null) optional.reversesEntryId = e.reversesEntryId;
  return canonicalJson({
    ...optional,
    id: e.id,
    sequence: e.sequence.toString(),
    kind: e.kind,
    sourceEventId: e.sourceEventId,
    merchantId: e.merchantId,
    paymentId: e.paymentId,
    occurredAt: e.occurredAt.toISOString(),
    postings: e.postings.map((p) => ({
      accountCode: p.accountCode,
      currency: p.currency,
      amountMinor: p.amountMinor.toString(),
    })),
  });
}

describe('canonicalEntry', () => {
  it('is canonicalJson of the entry as an object, byte for byte, whatever the content', () => {
    const text = fc.string({ maxLength: 12, unit: 'binary' });
    const entryArb: fc.Arbitrary<HashedEntryContent> = fc.record({
      id: text,
      sequence: fc.bigInt({ min: 1n, max: 2n ** 62n }),
      kind: text,
      sourceEventId: text,
      merchantId: fc.option(text),
      paymentId: fc.option(text),
      aggregateId: fc.option(text, { nil: undefined }),
      occurredAt: fc.date({ min: new Date(0), max: new Date('2999-12-31T00:00:00Z'), noInvalidDate: true }),
      details: fc.option(fc.dictionary(text, text), { nil: undefined }),
      reversesEntryId: fc.option(text, { nil: undefined }),
      postings: fc.array(
        fc.record({
          accountCode: text,
          currency: text,
          amountMinor: fc.bigInt({ min: -(2n ** 62n), max: 2n ** 62n }),
        }),
        { maxLength: 6 },
      ),
    });
    fc.assert(
      fc.property(entryArb, (e) => {
        expect(canonicalEntry(e)).toBe(canonicalEntryAsObject(e));
      }),
      { numRuns: 500 },
    );
  });
});

describe('entryHash', () => {
  it('is SHA-256 hex of the previous hash followed by the canonical entry', () => {
    const expected = createHash('sha256')
      .update(GENESIS_HASH + canonicalEntry(entry))
      .digest('hex');
    expect(entryHash(GENESIS_HASH, entry)).toBe(expected);
    expect(GENESIS_HASH).toBe('0000000000000000000000000000000000000000000000000000000000000000');
  });

  it('is the same for the same content, whatever the key order of the input', () => {
    const reordered = Object.fromEntries(Object.entries(entry).reverse()) as unknown as HashedEntryContent;
    expect(entryHash(GENESIS_HASH, reordered)).toBe(entryHash(GENESIS_HASH, entry));
  });

  const tamperings: [string, HashedEntryContent][] = [
    ['id', { ...entry, id: '6f1c1f9e-4a4b-4c4d-8e8f-000000000009' }],
    ['sequence', { ...entry, sequence: 2n }],
    ['kind', { ...entry, kind: 'refund' }],
    ['sourceEventId', { ...entry, sourceEventId: '6f1c1f9e-4a4b-4c4d-8e8f-000000000009' }],
    ['merchantId', { ...entry, merchantId: 'mer_zzzzzzzz' }],
    ['paymentId', { ...entry, paymentId: 'pay_zzzzzzzzzzzzzzzzzzzzzzzz' }],
    ['occurredAt (1 ms)', { ...entry, occurredAt: new Date('2025-11-20T10:00:00.124Z') }],
    [
      'a posting amount',
      { ...entry, postings: entry.postings.map((p, i) => (i === 1 ? { ...p, amountMinor: -9_681n } : p)) },
    ],
    [
      'a posting account',
      {
        ...entry,
        postings: entry.postings.map((p, i) => (i === 2 ? { ...p, accountCode: 'fee_revenue:EUR' } : p)),
      },
    ],
    [
      'a posting currency',
      { ...entry, postings: entry.postings.map((p, i) => (i === 0 ? { ...p, currency: 'EUR' } : p)) },
    ],
    ['the posting order', { ...entry, postings: [...entry.postings].reverse() }],
    ['a posting removed', { ...entry, postings: entry.postings.slice(0, 2) }],
  ];

  it.each(tamperings)('changes when %s changes', (_field, tampered) => {
    expect(entryHash(GENESIS_HASH, tampered)).not.toBe(entryHash(GENESIS_HASH, entry));
  });

  it('chains: changing the previous hash changes every hash after it', () => {
    const first = entryHash(GENESIS_HASH, entry);
    const second = entryHash(first, { ...entry, sequence: 2n });
    const forgedFirst = entryHash(GENESIS_HASH, { ...entry, merchantId: 'mer_zzzzzzzz' });
    expect(entryHash(forgedFirst, { ...entry, sequence: 2n })).not.toBe(second);
  });

  it('refuses a previous hash that is not 64 lower-case hex digits', () => {
    expect(() => entryHash('abc', entry)).toThrow(/not a SHA-256/);
    expect(() => entryHash(GENESIS_HASH.toUpperCase().replace(/0/g, 'A'), entry)).toThrow(/not a SHA-256/);
  });

  it('covers details, the reversed entry and a distinct aggregate, and leaves older entries unchanged', () => {
    expect(
      entryHash(GENESIS_HASH, { ...entry, details: {}, reversesEntryId: null, aggregateId: entry.paymentId }),
    ).toBe(entryHash(GENESIS_HASH, entry));
    const base = { ...entry, details: { captureId: 'cap_0000000001' } };
    expect(entryHash(GENESIS_HASH, base)).not.toBe(entryHash(GENESIS_HASH, entry));
    expect(entryHash(GENESIS_HASH, { ...base, details: { captureId: 'cap_0000000002' } })).not.toBe(
      entryHash(GENESIS_HASH, base),
    );
    expect(entryHash(GENESIS_HASH, { ...base, reversesEntryId: entry.id })).not.toBe(
      entryHash(GENESIS_HASH, base),
    );
    expect(entryHash(GENESIS_HASH, { ...base, paymentId: null, aggregateId: 'stl_00000001' })).not.toBe(
      entryHash(GENESIS_HASH, { ...base, paymentId: null, aggregateId: 'stl_00000002' }),
    );
  });
});
