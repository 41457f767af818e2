import { createHash } from 'node:crypto';

/** The previous hash of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** What the hash covers: everything that says what happened, nothing the database adds later. */
export interface HashedEntryContent {
  readonly id: string;
  readonly sequence: bigint;
  readonly kind: string;
  readonly sourceEventId: string;
  readonly merchantId: string | null;
  readonly paymentId: string | null;
  /** Hashed only when it differs from paymentId, so entries written before it existed still verify. */
  readonly aggregateId?: string | null;
  readonly occurredAt: Date;
  /** Hashed only when not empty / not null, for the same reason. */
  readonly details?: Readonly<Record<string, string>>;
  readonly reversesEntryId?: string | null;
  /** In the order they are stored (by position). */
  readonly postings: readonly {
    readonly accountCode: string;
    readonly currency: string;
    readonly amountMinor: bigint;
  }[];
}

type CanonicalValue =
  | string
  | boolean
  | null
  | readonly CanonicalValue[]
  | { readonly [key: string]: CanonicalValue };

/** JSON with object keys sorted at every level and no whitespace; only strings, booleans and null as leaves. */
export function canonicalJson(value: CanonicalValue): string {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${(value as readonly CanonicalValue[]).map(canonicalJson).join(',')}]`;
  const object = value as { readonly [key: string]: CanonicalValue };
  const keys = Object.keys(object).sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(object[key] as CanonicalValue)}`).join(',')}}`;
}

/**
 * The canonical form: amounts and the sequence as decimal strings, the time as ISO 8601 UTC.
 * canonicalJson of the entry as an object, written out directly with its keys already in sorted
 * order (every entry is hashed when posted and when verified; this is several times faster).
 */
export function canonicalEntry(entry: HashedEntryContent): string {
  const json = JSON.stringify;
  let out = '{';
  if (entry.aggregateId != null && entry.aggregateId !== entry.paymentId)
    out += `"aggregateId":${json(entry.aggregateId)},`;
  if (entry.details !== undefined && Object.keys(entry.details).length > 0)
    out += `"details":${canonicalJson(entry.details)},`;
  out += `"id":${json(entry.id)},"kind":${json(entry.kind)},"merchantId":${json(entry.merchantId)}`;
  out += `,"occurredAt":${json(entry.occurredAt.toISOString())},"paymentId":${json(entry.paymentId)}`;
  const postings = entry.postings.map(
    (p) =>
      `{"accountCode":${json(p.accountCode)},"amountMinor":"${p.amountMinor.toString()}","currency":${json(p.currency)}}`,
  );
  out += `,"postings":[${postings.join(',')}]`;
  if (entry.reversesEntryId != null) out += `,"reversesEntryId":${json(entry.reversesEntryId)}`;
  return `${out},"sequence":"${entry.sequence.toString()}","sourceEventId":${json(entry.sourceEventId)}}`;
}

/** SHA-256 (hex) over the previous entry's hash followed by this entry's canonical JSON, UTF-8. */
export function entryHash(previousHash: string, entry: HashedEntryContent): string {
  if (!/^[0-9a-f]{64}$/.test(previousHash)) throw new Error(`not a SHA-256 hex hash: ${previousHash}`);
  return createHash('sha256')
    .update(previousHash, 'utf8')
    .update(canonicalEntry(entry), 'utf8')
    .digest('hex');
}
