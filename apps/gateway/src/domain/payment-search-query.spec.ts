import { FilterParameterError, paymentListFilterOf } from './payment-filter';
import { SearchQueryError, parsePaymentSearchQuery } from './payment-search-query';

function errorOf(query: string): SearchQueryError {
  try {
    parsePaymentSearchQuery(query);
  } catch (error) {
    if (error instanceof SearchQueryError) return error;
    throw error;
  }
  throw new Error(`parsed: ${query}`);
}

describe('parsePaymentSearchQuery', () => {
  it('reads each field, quoted and bare', () => {
    expect(
      parsePaymentSearchQuery(
        `status:'succeeded' AND currency:EUR AND customer:"cus_42" AND email:'Ann@Example.com' AND last4:4242 AND fingerprint:'fp_Ab-9'`,
      ),
    ).toEqual({
      join: 'and',
      conditions: [
        { field: 'status', value: 'succeeded', negated: false },
        { field: 'currency', value: 'EUR', negated: false },
        { field: 'customer', value: 'cus_42', negated: false },
        { field: 'email', value: 'ann@example.com', negated: false },
        { field: 'last4', value: '4242', negated: false },
        { field: 'fingerprint', value: 'fp_Ab-9', negated: false },
      ],
    });
  });

  it('upper-cases currencies as stored', () => {
    expect(parsePaymentSearchQuery('currency:usd').conditions).toEqual([
      { field: 'currency', value: 'USD', negated: false },
    ]);
  });

  it.each([
    ['amount>1000', 'gt', 1000n],
    ['amount>=1000', 'gte', 1000n],
    ['amount<5000', 'lt', 5000n],
    ['amount<=5000', 'lte', 5000n],
    ['amount:42', 'eq', 42n],
    ["amount:'42'", 'eq', 42n],
    ['amount>999999999999999999', 'gt', 999_999_999_999_999_999n],
  ])('compares amounts in minor units as bigints: %s', (query, comparison, value) => {
    expect(parsePaymentSearchQuery(query).conditions).toEqual([
      { field: 'amount', comparison, value, negated: false },
    ]);
  });

  it('compares created in unix seconds', () => {
    expect(parsePaymentSearchQuery('created>1700000000 AND created<=1700086400').conditions).toEqual([
      { field: 'created', comparison: 'gt', value: 1_700_000_000, negated: false },
      { field: 'created', comparison: 'lte', value: 1_700_086_400, negated: false },
    ]);
  });

  it("reads metadata['key']:'value', with either quote and escapes", () => {
    expect(
      parsePaymentSearchQuery(
        `metadata['order_id']:'6735' OR metadata["note"]:"it's \\"fine\\"" OR metadata['a b']:'x\\'y\\\\'`,
      ),
    ).toEqual({
      join: 'or',
      conditions: [
        { field: 'metadata', key: 'order_id', value: '6735', negated: false },
        { field: 'metadata', key: 'note', value: `it's "fine"`, negated: false },
        { field: 'metadata', key: 'a b', value: "x'y\\", negated: false },
      ],
    });
  });

  it('negates a clause with a leading minus', () => {
    expect(parsePaymentSearchQuery("-status:'failed' AND -amount>100").conditions).toEqual([
      { field: 'status', value: 'failed', negated: true },
      { field: 'amount', comparison: 'gt', value: 100n, negated: true },
    ]);
  });

  it('tolerates surrounding and repeated spaces, and an empty quoted metadata value', () => {
    expect(parsePaymentSearchQuery("  status:succeeded   OR\tmetadata['k']:''  ")).toEqual({
      join: 'or',
      conditions: [
        { field: 'status', value: 'succeeded', negated: false },
        { field: 'metadata', key: 'k', value: '', negated: false },
      ],
    });
  });

  it('takes ten clauses and no more', () => {
    const ten = Array.from({ length: 10 }, (_, index) => `amount>${index}`).join(' AND ');
    expect(parsePaymentSearchQuery(ten).conditions).toHaveLength(10);
    const error = errorOf(`${ten} AND amount>10`);
    expect(error.message).toBe(`a query has at most 10 clauses (at position ${ten.length + 6})`);
  });

  it.each([
    ['', 1, "the query is empty; try status:'succeeded'"],
    ['   ', 4, "the query is empty; try status:'succeeded'"],
    [
      'colour:red',
      1,
      "unknown field 'colour'; fields are status, currency, amount, created, customer, email, last4, fingerprint, metadata",
    ],
    ['status', 7, "expected ':' or a comparison after 'status'"],
    ['status=succeeded', 7, "expected ':' or a comparison after 'status'"],
    ['status:', 8, 'expected a value at the end of the query'],
    ['status:)', 8, "expected a value, found ')'"],
    ["status:'succeeded", 8, 'this quoted value is never closed'],
    [
      "status:'paid'",
      8,
      'status must be one of processing, requires_capture, requires_action, succeeded, failed, canceled',
    ],
    ['status>succeeded', 7, 'only amount and created can be compared with >; use status:value'],
    ['currency:dollars', 10, 'currency must be a three-letter ISO 4217 code, such as usd'],
    ['amount>ten', 8, 'amount must be a whole number of minor units, such as 1000 for 10.00'],
    ['amount>-5', 8, 'amount must be a whole number of minor units, such as 1000 for 10.00'],
    ['amount>10.50', 8, 'amount must be a whole number of minor units, such as 1000 for 10.00'],
    ['amount>1000000000000000000', 8, 'amount must be a whole number of minor units, such as 1000 for 10.00'],
    ['created>2023-01-01', 9, 'created must be a unix timestamp in seconds'],
    ['last4:42', 7, 'last4 must be four digits'],
    ['email:nobody', 7, 'email must be an email address'],
    ["fingerprint:'a b'", 13, 'fingerprint must be a card fingerprint (letters, digits, - and _)'],
    ["metadata:'x'", 9, "metadata takes a key: metadata['order_id']:'6735'"],
    ["metadata[order]:'x'", 10, 'a metadata key is quoted'],
    ["metadata['order':'x'", 17, "expected ']' after the metadata key"],
    ["metadata['']:'x'", 10, 'a metadata key has 1 to 40 characters'],
    ["status:'failed' and amount>1", 17, 'write AND in capitals'],
    ["status:'failed' amount>1", 17, 'expected AND or OR between clauses'],
    ["status:'failed'AND amount>1", 16, "expected a space and AND or OR, found 'A'"],
    ["status:'failed' AND", 20, 'expected a clause after AND'],
    ["status:'failed' AND ", 21, 'expected a clause after AND'],
    ["status:'failed' AND amount>1 OR amount<5", 30, 'AND and OR cannot be mixed in one query'],
    ["status:'failed' OR -", 21, "expected a clause such as status:'succeeded' at the end of the query"],
    ['(status:failed)', 1, "expected a field name such as status or amount, found '('"],
    ["status:'fa\\iled'", 11, "only \\' and \\\\ may be escaped"],
  ])('refuses %j at position %i: %s', (query, position, reason) => {
    const error = errorOf(query);
    expect({ position: error.position, reason: error.reason }).toEqual({ position, reason });
    expect(error.message).toBe(`${reason} (at position ${position})`);
  });

  it('refuses a query longer than 1000 characters', () => {
    const error = errorOf(`metadata['k']:'${'x'.repeat(990)}'`);
    expect(error.reason).toBe('a query has at most 1000 characters');
  });
});

describe('paymentListFilterOf', () => {
  it('turns list parameters into AND conditions and leaves the rest', () => {
    expect(
      paymentListFilterOf({
        status: 'succeeded',
        currency: 'eur',
        customer: 'cus_1',
        amount: '500',
        'amount[gte]': '100',
        'amount[lt]': '900',
        'metadata[order_id]': '6735',
        'payment_method[card][last4]': '4242',
        'payment_method[card][fingerprint]': 'fp1',
        limit: '3',
        'created[gte]': '1700000000',
      }),
    ).toEqual({
      filter: {
        join: 'and',
        conditions: [
          { field: 'status', value: 'succeeded', negated: false },
          { field: 'currency', value: 'EUR', negated: false },
          { field: 'customer', value: 'cus_1', negated: false },
          { field: 'amount', comparison: 'eq', value: 500n, negated: false },
          { field: 'amount', comparison: 'gte', value: 100n, negated: false },
          { field: 'amount', comparison: 'lt', value: 900n, negated: false },
          { field: 'metadata', key: 'order_id', value: '6735', negated: false },
          { field: 'last4', value: '4242', negated: false },
          { field: 'fingerprint', value: 'fp1', negated: false },
        ],
      },
      rest: { limit: '3', 'created[gte]': '1700000000' },
    });
  });

  it('reads nested parameters as flat ones', () => {
    expect(
      paymentListFilterOf({
        amount: { lte: '7' },
        metadata: { k: 'v' },
        payment_method: { card: { last4: '0005' } },
      }).filter.conditions,
    ).toEqual([
      { field: 'amount', comparison: 'lte', value: 7n, negated: false },
      { field: 'metadata', key: 'k', value: 'v', negated: false },
      { field: 'last4', value: '0005', negated: false },
    ]);
  });

  it.each([
    [{ status: 'paid' }, 'status', /^Invalid status: status must be one of/],
    [{ status: ['failed', 'succeeded'] }, 'status', /^status must be given once, as text\.$/],
    [{ 'amount[gte]': '1.5' }, 'amount[gte]', /^Invalid amount\[gte\]: amount must be a whole number/],
    [{ 'amount[between]': '1' }, 'amount[between]', /^amount accepts only gte, gt, lte and lt\.$/],
    [{ 'metadata[]': 'x' }, 'metadata[]', /^Invalid metadata\[\]: a metadata key has 1 to 40/],
    [{ metadata: 'x' }, 'metadata', /^metadata is filtered as metadata\[key\]=value\.$/],
    [{ currency: 'euro' }, 'currency', /^Invalid currency: currency must be a three-letter/],
    [{ 'payment_method[card][last4]': 'abcd' }, 'payment_method[card][last4]', /last4 must be four digits/],
  ])('refuses %j naming %s', (query, param, message) => {
    let thrown: unknown;
    try {
      paymentListFilterOf(query);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(FilterParameterError);
    expect((thrown as FilterParameterError).param).toBe(param);
    expect((thrown as FilterParameterError).message).toMatch(message);
  });
});
