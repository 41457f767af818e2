import {
  FilterValueError,
  amountValueOf,
  createdValueOf,
  metadataKeyOf,
  metadataValueOf,
  textValueOf,
  type Comparison,
  type PaymentCondition,
  type PaymentFilter,
  type TextField,
} from './payment-filter';

/**
 * The search language of `GET /v1/payments/search`, after Stripe's:
 *
 *   query   := clause ( AND clause )* | clause ( OR clause )*
 *   clause  := [-] field ':' value | [-] ( amount | created ) ( > | >= | < | <= ) value
 *   field   := status | currency | amount | created | customer | email | last4 | fingerprint
 *            | metadata[ quoted ]
 *   value   := quoted | bare      quoted: '…' or "…" (\' \" \\ escape); bare: no space or quote
 *
 * `-` negates a clause; AND and OR are upper-case and cannot be mixed in one query. Amounts are
 * minor units, created unix seconds. Errors say where (1-based character position).
 */

export const SEARCH_QUERY_LENGTH_MAX = 1000;
export const SEARCH_CLAUSES_MAX = 10;

const TEXT_FIELDS: readonly TextField[] = ['status', 'currency', 'customer', 'email', 'last4', 'fingerprint'];
const FIELDS = [
  'status',
  'currency',
  'amount',
  'created',
  'customer',
  'email',
  'last4',
  'fingerprint',
  'metadata',
];

export class SearchQueryError extends Error {
  constructor(
    /** 1-based position of the offending character in the query. */
    readonly position: number,
    readonly reason: string,
  ) {
    super(`${reason} (at position ${position})`);
  }
}

const COMPARISONS: ReadonlyArray<readonly [string, Comparison]> = [
  ['>=', 'gte'],
  ['<=', 'lte'],
  ['>', 'gt'],
  ['<', 'lt'],
  [':', 'eq'],
];

class Scanner {
  index = 0;
  constructor(readonly text: string) {}

  get done(): boolean {
    return this.index >= this.text.length;
  }

  peek(): string {
    return this.text[this.index] ?? '';
  }

  fail(reason: string, at = this.index): never {
    throw new SearchQueryError(at + 1, reason);
  }

  /** Skips spaces; answers whether there were any. */
  spaces(): boolean {
    const start = this.index;
    while (!this.done && /\s/.test(this.peek())) this.index += 1;
    return this.index > start;
  }

  word(): string {
    const match = /^[A-Za-z_0-9]+/.exec(this.text.slice(this.index));
    const word = match?.[0] ?? '';
    this.index += word.length;
    return word;
  }

  quoted(): string {
    const start = this.index;
    const quote = this.peek();
    this.index += 1;
    let value = '';
    while (!this.done) {
      const char = this.peek();
      if (char === '\\') {
        const next = this.text[this.index + 1];
        if (next !== quote && next !== '\\') this.fail(`only \\${quote} and \\\\ may be escaped`);
        value += next;
        this.index += 2;
        continue;
      }
      this.index += 1;
      if (char === quote) return value;
      value += char;
    }
    return this.fail('this quoted value is never closed', start);
  }

  value(): string {
    const char = this.peek();
    if (char === "'" || char === '"') return this.quoted();
    const match = /^[^\s'"[\]()]+/.exec(this.text.slice(this.index));
    if (match === null) {
      return this.done
        ? this.fail('expected a value at the end of the query')
        : this.fail(`expected a value, found '${char}'`);
    }
    this.index += match[0].length;
    return match[0];
  }
}

function clauseOf(scanner: Scanner): PaymentCondition {
  const negated = scanner.peek() === '-';
  if (negated) scanner.index += 1;
  const fieldAt = scanner.index;
  const field = scanner.word();
  if (field === '') {
    return scanner.done
      ? scanner.fail("expected a clause such as status:'succeeded' at the end of the query")
      : scanner.fail(`expected a field name such as status or amount, found '${scanner.peek()}'`);
  }
  if (!FIELDS.includes(field)) {
    scanner.fail(`unknown field '${field}'; fields are ${FIELDS.join(', ')}`, fieldAt);
  }
  let key: string | null = null;
  if (field === 'metadata') {
    if (scanner.peek() !== '[') scanner.fail("metadata takes a key: metadata['order_id']:'6735'");
    scanner.index += 1;
    const keyAt = scanner.index;
    if (scanner.peek() !== "'" && scanner.peek() !== '"') scanner.fail('a metadata key is quoted');
    key = valueChecked(scanner, keyAt, () => metadataKeyOf(scanner.quoted()));
    if (scanner.peek() !== ']') scanner.fail("expected ']' after the metadata key");
    scanner.index += 1;
  }
  const operatorAt = scanner.index;
  const operator = COMPARISONS.find(([symbol]) => scanner.text.startsWith(symbol, scanner.index));
  if (operator === undefined) {
    return scanner.fail(`expected ':' or a comparison after '${field}'`);
  }
  scanner.index += operator[0].length;
  const [symbol, comparison] = operator;
  if (comparison !== 'eq' && field !== 'amount' && field !== 'created') {
    scanner.fail(`only amount and created can be compared with ${symbol}; use ${field}:value`, operatorAt);
  }
  const valueAt = scanner.index;
  const raw = scanner.value();
  if (field === 'amount') {
    return { field, comparison, value: valueChecked(scanner, valueAt, () => amountValueOf(raw)), negated };
  }
  if (field === 'created') {
    return { field, comparison, value: valueChecked(scanner, valueAt, () => createdValueOf(raw)), negated };
  }
  if (field === 'metadata') {
    return {
      field,
      key: key ?? '',
      value: valueChecked(scanner, valueAt, () => metadataValueOf(raw)),
      negated,
    };
  }
  const text = field as TextField;
  if (!TEXT_FIELDS.includes(text)) scanner.fail(`unknown field '${field}'`, fieldAt);
  return { field: text, value: valueChecked(scanner, valueAt, () => textValueOf(text, raw)), negated };
}

function valueChecked<T>(scanner: Scanner, at: number, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof FilterValueError) scanner.fail(error.message.replace(/\.$/, ''), at);
    throw error;
  }
}

/** Parses a search query into a filter, or throws SearchQueryError saying where and why. */
export function parsePaymentSearchQuery(query: string): PaymentFilter {
  if (query.length > SEARCH_QUERY_LENGTH_MAX) {
    throw new SearchQueryError(
      SEARCH_QUERY_LENGTH_MAX + 1,
      `a query has at most ${SEARCH_QUERY_LENGTH_MAX} characters`,
    );
  }
  const scanner = new Scanner(query);
  scanner.spaces();
  if (scanner.done) scanner.fail("the query is empty; try status:'succeeded'");
  const conditions: PaymentCondition[] = [];
  let join: 'and' | 'or' | null = null;
  for (;;) {
    const clauseAt = scanner.index;
    conditions.push(clauseOf(scanner));
    if (conditions.length > SEARCH_CLAUSES_MAX) {
      scanner.fail(`a query has at most ${SEARCH_CLAUSES_MAX} clauses`, clauseAt);
    }
    const spaced = scanner.spaces();
    if (scanner.done) break;
    if (!spaced) scanner.fail(`expected a space and AND or OR, found '${scanner.peek()}'`);
    const wordAt = scanner.index;
    const word = scanner.word();
    if (word !== 'AND' && word !== 'OR') {
      scanner.fail(
        word.toUpperCase() === 'AND' || word.toUpperCase() === 'OR'
          ? `write ${word.toUpperCase()} in capitals`
          : 'expected AND or OR between clauses',
        wordAt,
      );
    }
    const next = word === 'AND' ? 'and' : 'or';
    if (join !== null && join !== next) {
      scanner.fail('AND and OR cannot be mixed in one query', wordAt);
    }
    join = next;
    if (!scanner.spaces()) {
      scanner.fail(scanner.done ? `expected a clause after ${word}` : `expected a space after ${word}`);
    }
    if (scanner.done) scanner.fail(`expected a clause after ${word}`);
  }
  return { join: join ?? 'and', conditions };
}
