/** Stripe list parameters turned into a window over (created, id), newest first. */

export interface CreatedRange {
  /** Inclusive lower bound. */
  readonly from: Date | null;
  /** Exclusive upper bound. */
  readonly until: Date | null;
}

export class ListParameterError extends Error {
  constructor(
    readonly param: string,
    message: string,
  ) {
    super(message);
  }
}

const UNIX_SECONDS_MAX = 253_402_300_799; // 9999-12-31T23:59:59Z

function unixSeconds(value: unknown, param: string): number {
  if (typeof value !== 'string' || !/^[0-9]{1,12}$/.test(value) || Number(value) > UNIX_SECONDS_MAX) {
    throw new ListParameterError(param, `${param} must be a unix timestamp in seconds.`);
  }
  return Number(value);
}

const at = (seconds: number): Date => new Date(seconds * 1000);

/**
 * created=T, created[gte|gt|lte|lt]=T (flat keys, as Express 5 leaves them, or a nested object).
 * Timestamps are whole seconds, so lte T means before T+1 and gt T means from T+1.
 */
export function createdRangeOf(query: Record<string, unknown>): CreatedRange {
  const nested = query.created;
  const bounds: Record<string, unknown> = {};
  if (nested !== undefined && typeof nested === 'object' && nested !== null && !Array.isArray(nested)) {
    for (const [key, value] of Object.entries(nested)) bounds[key] = value;
  }
  for (const operator of ['gte', 'gt', 'lte', 'lt']) {
    const flat = query[`created[${operator}]`];
    if (flat !== undefined) bounds[operator] = flat;
  }
  for (const key of Object.keys(bounds)) {
    if (!['gte', 'gt', 'lte', 'lt'].includes(key)) {
      throw new ListParameterError(`created[${key}]`, 'created accepts only gte, gt, lte and lt.');
    }
  }
  let from: number | null = null;
  let until: number | null = null;
  const raise = (candidate: number): void => {
    from = from === null ? candidate : Math.max(from, candidate);
  };
  const lower = (candidate: number): void => {
    until = until === null ? candidate : Math.min(until, candidate);
  };
  if (typeof nested === 'string') {
    const exact = unixSeconds(nested, 'created');
    raise(exact);
    lower(exact + 1);
  }
  if (bounds.gte !== undefined) raise(unixSeconds(bounds.gte, 'created[gte]'));
  if (bounds.gt !== undefined) raise(unixSeconds(bounds.gt, 'created[gt]') + 1);
  if (bounds.lte !== undefined) lower(unixSeconds(bounds.lte, 'created[lte]') + 1);
  if (bounds.lt !== undefined) lower(unixSeconds(bounds.lt, 'created[lt]'));
  return { from: from === null ? null : at(from), until: until === null ? null : at(until) };
}
