/** A generation's tables live in their own schema, so a rebuild fills fresh ones beside the live ones. */
export function generationSchema(generation: number): string {
  if (!Number.isInteger(generation) || generation < 1) throw new Error(`bad generation ${generation}`);
  return `reporting_g${generation}`;
}

/** The tables of one generation of every projection, with the checkpoint they share. */
export function generationTablesSql(schema: string): string[] {
  return [
    `CREATE SCHEMA ${schema}`,
    `CREATE TABLE ${schema}.volume (
       merchant_id text NOT NULL,
       bucket timestamptz NOT NULL,
       currency char(3) NOT NULL,
       payment_method text NOT NULL,
       gross_minor bigint NOT NULL,
       fee_minor bigint NOT NULL,
       refunded_minor bigint NOT NULL,
       capture_count bigint NOT NULL,
       refund_count bigint NOT NULL,
       dispute_count bigint NOT NULL DEFAULT 0,
       disputed_minor bigint NOT NULL DEFAULT 0,
       settlement_currency char(3) NOT NULL,
       settlement_gross_minor bigint NOT NULL,
       settlement_refunded_minor bigint NOT NULL,
       settlement_disputed_minor bigint NOT NULL,
       PRIMARY KEY (merchant_id, bucket, currency, settlement_currency, payment_method))`,
    `CREATE INDEX ON ${schema}.volume (bucket)`,
    `CREATE TABLE ${schema}.balances (
       account_code text PRIMARY KEY,
       account_type text NOT NULL,
       currency char(3) NOT NULL,
       merchant_id text NOT NULL,
       debit_minor bigint NOT NULL CHECK (debit_minor >= 0),
       credit_minor bigint NOT NULL CHECK (credit_minor >= 0),
       posting_count bigint NOT NULL,
       last_sequence bigint NOT NULL)`,
    `CREATE TABLE ${schema}.fees (
       bucket timestamptz NOT NULL,
       currency char(3) NOT NULL,
       merchant_id text NOT NULL,
       revenue_minor bigint NOT NULL,
       entry_count bigint NOT NULL,
       PRIMARY KEY (bucket, currency, merchant_id))`,
    `CREATE TABLE ${schema}.payouts (
       merchant_id text NOT NULL,
       bucket timestamptz NOT NULL,
       currency char(3) NOT NULL,
       requested_minor bigint NOT NULL,
       requested_count bigint NOT NULL,
       paid_minor bigint NOT NULL,
       paid_count bigint NOT NULL,
       failed_minor bigint NOT NULL,
       failed_count bigint NOT NULL,
       PRIMARY KEY (merchant_id, bucket, currency))`,
    `CREATE TABLE ${schema}.activity (
       merchant_id text NOT NULL,
       currency char(3) NOT NULL,
       kind text NOT NULL,
       entry_count bigint NOT NULL,
       gross_minor bigint NOT NULL,
       fee_minor bigint NOT NULL,
       merchant_posted_minor bigint NOT NULL,
       merchant_credited_minor bigint NOT NULL DEFAULT 0,
       revenue_minor bigint NOT NULL DEFAULT 0,
       PRIMARY KEY (merchant_id, currency, kind))`,
    // One row: every projection of the generation advances in the same transaction as its rows.
    `CREATE TABLE ${schema}.checkpoint (
       id int PRIMARY KEY CHECK (id = 1),
       contiguous_sequence bigint NOT NULL,
       last_sequence bigint NOT NULL,
       events_applied bigint NOT NULL,
       updated_at timestamptz NOT NULL DEFAULT now())`,
    `INSERT INTO ${schema}.checkpoint (id, contiguous_sequence, last_sequence, events_applied) VALUES (1, 0, 0, 0)`,
    // Sequences applied above the contiguous one (arrived ahead of a gap); the idempotency record.
    `CREATE TABLE ${schema}.applied_ahead (sequence bigint PRIMARY KEY)`,
  ];
}

/** The tables compared row for row between generations, with their key columns. */
export const PROJECTION_TABLES = {
  volume: ['merchant_id', 'bucket', 'currency', 'settlement_currency', 'payment_method'],
  balances: ['account_code'],
  fees: ['bucket', 'currency', 'merchant_id'],
  payouts: ['merchant_id', 'bucket', 'currency'],
  activity: ['merchant_id', 'currency', 'kind'],
} as const;

export type ProjectionTable = keyof typeof PROJECTION_TABLES;
