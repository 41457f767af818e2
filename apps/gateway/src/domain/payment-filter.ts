import type { PaymentStatus } from './payment-view';

/**
 * Conditions on a merchant's payments, shared by the list filters (`GET /v1/payments?status=…`)
 * and the search language (`GET /v1/payments/search?query=…`). Values are already checked and
 * normalised here; the repository only binds them.
 */

export const PAYMENT_STATUSES: readonly PaymentStatus[] = [
  'processing',
  'requires_capture',
  'requires_action',
  'succeeded',
  'failed',
  'canceled',
];

export type TextField = 'status' | 'currency' | 'customer' | 'email' | 'last4' | 'fingerprint';
export type Comparison = 'eq' | 'gt' | 'gte' | 'lt' | 'lte';

export type PaymentCondition =
  | { readonly field: TextField; readonly value: string; readonly negated: boolean }
  | {
      readonly field: 'amount';
      readonly comparison: Comparison;
      /** Minor units. */
      readonly value: bigint;
      readonly negated: boolean;
    }
  | {
      readonly field: 'created';
      readonly comparison: Comparison;
      /** Unix seconds. */
      readonly value: number;
      readonly negated: boolean;
    }
  | { readonly field: 'metadata'; readonly key: string; readonly value: string; readonly negated: boolean };

export interface PaymentFilter {
  /** How the conditions combine; a single condition or none is 'and'. */
  readonly join: 'and' | 'or';
  readonly conditions: readonly PaymentCondition[];
}

export const NO_FILTER: PaymentFilter = { join: 'and', conditions: [] };

/** Stripe's own limits on metadata, so any stored pair can be searched for. */
export const METADATA_KEY_LENGTH_MAX = 40;
export const METADATA_VALUE_LENGTH_MAX = 500;
const AMOUNT_DIGITS_MAX = 18; // below 2^63: a bigint column never overflows on the bound
const UNIX_SECONDS_MAX = 253_402_300_799; // 9999-12-31T23:59:59Z

/** A value refused, with the reason in words a merchant can act on. */
export class FilterValueError extends Error {}

/** Checks and normalises a text field's value: currency upper-case as stored, email lower-case. */
export function textValueOf(field: TextField, raw: string): string {
  switch (field) {
    case 'status':
      if (!(PAYMENT_STATUSES as readonly string[]).includes(raw)) {
        throw new FilterValueError(`status must be one of ${PAYMENT_STATUSES.join(', ')}.`);
      }
      return raw;
    case 'currency':
      if (!/^[A-Za-z]{3}$/.test(raw)) {
        throw new FilterValueError('currency must be a three-letter ISO 4217 code, such as usd.');
      }
      return raw.toUpperCase();
    case 'customer':
      if (raw.length < 1 || raw.length > 100) {
        throw new FilterValueError('customer must be a customer id of 1 to 100 characters.');
      }
      return raw;
    case 'email':
      if (raw.length < 3 || raw.length > 254 || !raw.includes('@')) {
        throw new FilterValueError('email must be an email address.');
      }
      return raw.toLowerCase();
    case 'last4':
      if (!/^[0-9]{4}$/.test(raw)) throw new FilterValueError('last4 must be four digits.');
      return raw;
    case 'fingerprint':
      if (!/^[A-Za-z0-9_-]{1,64}$/.test(raw)) {
        throw new FilterValueError('fingerprint must be a card fingerprint (letters, digits, - and _).');
      }
      return raw;
  }
}

export function amountValueOf(raw: string): bigint {
  if (!new RegExp(`^[0-9]{1,${AMOUNT_DIGITS_MAX}}$`).test(raw)) {
    throw new FilterValueError('amount must be a whole number of minor units, such as 1000 for 10.00.');
  }
  return BigInt(raw);
}

export function createdValueOf(raw: string): number {
  if (!/^[0-9]{1,12}$/.test(raw) || Number(raw) > UNIX_SECONDS_MAX) {
    throw new FilterValueError('created must be a unix timestamp in seconds.');
  }
  return Number(raw);
}

export function metadataKeyOf(raw: string): string {
  if (raw.length < 1 || raw.length > METADATA_KEY_LENGTH_MAX) {
    throw new FilterValueError(`a metadata key has 1 to ${METADATA_KEY_LENGTH_MAX} characters.`);
  }
  return raw;
}

export function metadataValueOf(raw: string): string {
  if (raw.length > METADATA_VALUE_LENGTH_MAX) {
    throw new FilterValueError(`a metadata value has at most ${METADATA_VALUE_LENGTH_MAX} characters.`);
  }
  return raw;
}

/** A list parameter refused: which one and why. */
export class FilterParameterError extends Error {
  constructor(
    readonly param: string,
    message: string,
  ) {
    super(message);
  }
}

const RANGE_OPERATORS: readonly Comparison[] = ['gte', 'gt', 'lte', 'lt'];
const TEXT_PARAMS: Readonly<Record<string, TextField>> = {
  status: 'status',
  currency: 'currency',
  customer: 'customer',
  'payment_method[card][last4]': 'last4',
  'payment_method[card][fingerprint]': 'fingerprint',
};

/** `a[b]=1` as Express 5 leaves it (a flat key) or nested (another query parser): flat keys. */
function flatten(query: Record<string, unknown>, prefix = '', into: Record<string, unknown> = {}) {
  for (const [key, value] of Object.entries(query)) {
    const name = prefix === '' ? key : `${prefix}[${key}]`;
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      flatten(value as Record<string, unknown>, name, into);
    } else {
      into[name] = value;
    }
  }
  return into;
}

function single(param: string, value: unknown): string {
  if (typeof value !== 'string')
    throw new FilterParameterError(param, `${param} must be given once, as text.`);
  return value;
}

function checked<T>(param: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof FilterValueError)
      throw new FilterParameterError(param, `Invalid ${param}: ${error.message}`);
    throw error;
  }
}

/**
 * The filters among `GET /v1/payments`'s parameters: status, currency, customer,
 * amount / amount[gte|gt|lte|lt], metadata[key], payment_method[card][last4] and
 * payment_method[card][fingerprint], all joined by AND. Returns the other parameters untouched
 * (pagination and created, checked elsewhere).
 */
export function paymentListFilterOf(query: Record<string, unknown>): {
  readonly filter: PaymentFilter;
  readonly rest: Record<string, unknown>;
} {
  const conditions: PaymentCondition[] = [];
  const rest: Record<string, unknown> = {};
  for (const [param, value] of Object.entries(flatten(query))) {
    const text = TEXT_PARAMS[param];
    if (text !== undefined) {
      const raw = single(param, value);
      conditions.push({ field: text, value: checked(param, () => textValueOf(text, raw)), negated: false });
      continue;
    }
    const amount = /^amount(?:\[([a-z]+)\])?$/.exec(param);
    if (amount !== null) {
      const operator = (amount[1] ?? 'eq') as Comparison;
      if (amount[1] !== undefined && !RANGE_OPERATORS.includes(operator)) {
        throw new FilterParameterError(param, 'amount accepts only gte, gt, lte and lt.');
      }
      const raw = single(param, value);
      conditions.push({
        field: 'amount',
        comparison: operator,
        value: checked(param, () => amountValueOf(raw)),
        negated: false,
      });
      continue;
    }
    const metadata = /^metadata\[(.*)\]$/s.exec(param);
    if (metadata !== null) {
      const raw = single(param, value);
      conditions.push({
        field: 'metadata',
        key: checked(param, () => metadataKeyOf(metadata[1] ?? '')),
        value: checked(param, () => metadataValueOf(raw)),
        negated: false,
      });
      continue;
    }
    if (param === 'metadata') {
      throw new FilterParameterError(param, 'metadata is filtered as metadata[key]=value.');
    }
    rest[param] = value;
  }
  return { filter: { join: 'and', conditions }, rest };
}
