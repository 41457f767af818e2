import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import {
  PROJECTION_TABLES,
  generationSchema,
  type ProjectionTable,
} from '../projections/generations/generation-schema';

export interface Difference {
  readonly check: string;
  readonly key: Record<string, string>;
  /** The ledger's side: the balances folded from postings (or, between generations, the other one). */
  readonly expected: string;
  readonly actual: string;
}

export interface GenerationFigures {
  readonly generation: number;
  readonly contiguousSequence: string;
  readonly lastSequence: string;
  readonly eventsApplied: string;
  readonly aheadCount: string;
}

interface CheckRow {
  key: Record<string, string>;
  expected: string | null;
  actual: string | null;
}

/**
 * Identities every generation must satisfy, each compared in SQL over one snapshot. Every
 * projection is written in the same transactions as the balances, so any snapshot is "at the same
 * sequence" for all of them; the figures say which.
 */
const CHECKS: Record<string, (schema: string) => string> = {
  // Per currency, debits equal credits across all accounts.
  trial_balance: (s) => `
    SELECT jsonb_build_object('currency', currency) AS key, '0' AS expected,
           sum(debit_minor - credit_minor)::text AS actual
      FROM ${s}.balances GROUP BY currency HAVING sum(debit_minor - credit_minor) <> 0`,
  // A merchant's accounts hold exactly what the entries posted to them.
  merchant_balances: (s) => `
    SELECT jsonb_build_object('merchant', coalesce(b.merchant_id, a.merchant_id),
                              'currency', coalesce(b.currency, a.currency)) AS key,
           b.total::text AS expected, a.total::text AS actual
      FROM (SELECT merchant_id, currency, sum(debit_minor - credit_minor) AS total
              FROM ${s}.balances WHERE merchant_id <> '' GROUP BY 1, 2) b
      FULL JOIN (SELECT merchant_id, currency, sum(merchant_posted_minor) AS total
              FROM ${s}.activity WHERE merchant_id <> '' GROUP BY 1, 2) a
        ON a.merchant_id = b.merchant_id AND a.currency = b.currency
     WHERE coalesce(a.total, 0) <> coalesce(b.total, 0)`,
  // Fee revenue projection against the revenue accounts' balances (credits are revenue).
  fee_revenue: (s) => `
    SELECT jsonb_build_object('currency', coalesce(b.currency, f.currency)) AS key,
           b.total::text AS expected, f.total::text AS actual
      FROM (SELECT currency, sum(credit_minor - debit_minor) AS total
              FROM ${s}.balances WHERE account_type = 'revenue' GROUP BY 1) b
      FULL JOIN (SELECT currency, sum(revenue_minor) AS total FROM ${s}.fees GROUP BY 1) f
        ON f.currency = b.currency
     WHERE coalesce(b.total, 0) <> coalesce(f.total, 0)`,
  // Volume lines add up to the captures, refunds and disputes entered, per merchant and presentment currency.
  volume: (s) => `
    WITH v AS (
      SELECT merchant_id, currency, sum(gross_minor) AS gross,
             sum(capture_count) AS captures, sum(refunded_minor) AS refunded, sum(refund_count) AS refunds,
             sum(disputed_minor) AS disputed, sum(dispute_count) AS disputes
        FROM ${s}.volume GROUP BY 1, 2),
    a AS (
      SELECT merchant_id, currency,
             sum(gross_minor) FILTER (WHERE kind = 'capture') AS gross,
             sum(entry_count) FILTER (WHERE kind = 'capture') AS captures,
             sum(gross_minor) FILTER (WHERE kind = 'refund') AS refunded,
             sum(entry_count) FILTER (WHERE kind = 'refund') AS refunds,
             sum(gross_minor) FILTER (WHERE kind = 'dispute_hold') AS disputed,
             sum(entry_count) FILTER (WHERE kind = 'dispute_hold') AS disputes
        FROM ${s}.activity WHERE kind IN ('capture', 'refund', 'dispute_hold') GROUP BY 1, 2)
    SELECT jsonb_build_object('merchant', coalesce(v.merchant_id, a.merchant_id),
                              'currency', coalesce(v.currency, a.currency), 'figure', f.name) AS key,
           f.expected::text AS expected, f.actual::text AS actual
      FROM v FULL JOIN a ON a.merchant_id = v.merchant_id AND a.currency = v.currency
     CROSS JOIN LATERAL (VALUES
       ('gross', coalesce(a.gross, 0), coalesce(v.gross, 0)),
       ('captures', coalesce(a.captures, 0), coalesce(v.captures, 0)),
       ('refunded', coalesce(a.refunded, 0), coalesce(v.refunded, 0)),
       ('refunds', coalesce(a.refunds, 0), coalesce(v.refunds, 0)),
       ('disputed', coalesce(a.disputed, 0), coalesce(v.disputed, 0)),
       ('disputes', coalesce(a.disputes, 0), coalesce(v.disputes, 0))) AS f(name, expected, actual)
     WHERE f.expected <> f.actual`,
  // Volume's settlement side against the postings, not the entry's context it was folded from
  // (issue 16): fees against the revenue accounts credited by captures, the net of captures against
  // what they credited the merchant's accounts, settled refunds against what refunds debited them.
  // Each per merchant and the currency the postings are really in.
  volume_postings: (s) => `
    WITH v AS (
      SELECT merchant_id, settlement_currency::text AS currency, sum(fee_minor) AS fee,
             sum(settlement_gross_minor - fee_minor) AS net, sum(settlement_refunded_minor) AS refunded
        FROM ${s}.volume GROUP BY 1, 2),
    a AS (
      SELECT merchant_id, currency::text AS currency,
             sum(revenue_minor) FILTER (WHERE kind = 'capture') AS fee,
             sum(merchant_credited_minor) FILTER (WHERE kind = 'capture') AS net,
             sum(merchant_posted_minor) FILTER (WHERE kind = 'refund') AS refunded
        FROM ${s}.activity WHERE kind IN ('capture', 'refund') AND merchant_id <> '' GROUP BY 1, 2)
    SELECT jsonb_build_object('merchant', coalesce(v.merchant_id, a.merchant_id),
                              'currency', coalesce(v.currency, a.currency), 'figure', f.name) AS key,
           f.expected::text AS expected, f.actual::text AS actual
      FROM v FULL JOIN a ON a.merchant_id = v.merchant_id AND a.currency = v.currency
     CROSS JOIN LATERAL (VALUES
       ('fee', coalesce(a.fee, 0), coalesce(v.fee, 0)),
       ('net', coalesce(a.net, 0), coalesce(v.net, 0)),
       ('settled_refunded', coalesce(a.refunded, 0), coalesce(v.refunded, 0))) AS f(name, expected, actual)
     WHERE f.expected <> f.actual`,
  payouts: (s) => `
    WITH p AS (
      SELECT merchant_id, currency, sum(requested_minor) AS requested, sum(paid_minor) AS paid,
             sum(failed_minor) AS failed
        FROM ${s}.payouts GROUP BY 1, 2),
    a AS (
      SELECT merchant_id, currency,
             sum(gross_minor) FILTER (WHERE kind = 'payout') AS requested,
             sum(gross_minor) FILTER (WHERE kind = 'payout_paid') AS paid,
             sum(gross_minor) FILTER (WHERE kind = 'payout_failed') AS failed
        FROM ${s}.activity WHERE kind IN ('payout', 'payout_paid', 'payout_failed') GROUP BY 1, 2)
    SELECT jsonb_build_object('merchant', coalesce(p.merchant_id, a.merchant_id),
                              'currency', coalesce(p.currency, a.currency), 'figure', f.name) AS key,
           f.expected::text AS expected, f.actual::text AS actual
      FROM p FULL JOIN a ON a.merchant_id = p.merchant_id AND a.currency = p.currency
     CROSS JOIN LATERAL (VALUES
       ('requested', coalesce(a.requested, 0), coalesce(p.requested, 0)),
       ('paid', coalesce(a.paid, 0), coalesce(p.paid, 0)),
       ('failed', coalesce(a.failed, 0), coalesce(p.failed, 0))) AS f(name, expected, actual)
     WHERE f.expected <> f.actual`,
};

/** Reads two generations (or one) in one snapshot and lists every difference. */
@Injectable()
export class ReconciliationRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async reconcile(
    generation: number,
    against: number | undefined,
  ): Promise<{ figures: GenerationFigures[]; differences: Difference[]; checks: string[] }> {
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      const schema = generationSchema(generation);
      const figures = [await this.figures(manager, generation)];
      const differences: Difference[] = [];
      const checks = Object.keys(CHECKS);
      for (const [check, sql] of Object.entries(CHECKS)) {
        const rows = await manager.query<CheckRow[]>(sql(schema));
        for (const row of rows) {
          differences.push({ check, key: row.key, expected: row.expected ?? '0', actual: row.actual ?? '0' });
        }
      }
      if (against !== undefined) {
        figures.push(await this.figures(manager, against));
        const other = generationSchema(against);
        for (const table of Object.keys(PROJECTION_TABLES) as ProjectionTable[]) {
          checks.push(`rows:${table}`);
          differences.push(...(await this.rowDifferences(manager, table, other, schema)));
        }
      }
      return { figures, differences, checks };
    });
  }

  async exists(generation: number): Promise<boolean> {
    const rows = await this.dataSource.query<unknown[]>(
      `SELECT 1 FROM projection_generations WHERE generation = $1 AND status <> 'dropped'`,
      [generation],
    );
    return rows.length === 1;
  }

  private async figures(manager: EntityManager, generation: number): Promise<GenerationFigures> {
    const [row] = await manager.query<
      { contiguous_sequence: string; last_sequence: string; events_applied: string; ahead: string }[]
    >(
      `SELECT contiguous_sequence::text, last_sequence::text, events_applied::text,
              (SELECT count(*) FROM ${generationSchema(generation)}.applied_ahead)::text AS ahead
         FROM ${generationSchema(generation)}.checkpoint WHERE id = 1`,
    );
    return {
      generation,
      contiguousSequence: row?.contiguous_sequence ?? '0',
      lastSequence: row?.last_sequence ?? '0',
      eventsApplied: row?.events_applied ?? '0',
      aheadCount: row?.ahead ?? '0',
    };
  }

  /** Row for row: every row missing on one side or different in any column. */
  private async rowDifferences(
    manager: EntityManager,
    table: ProjectionTable,
    expectedSchema: string,
    actualSchema: string,
  ): Promise<Difference[]> {
    const keys = PROJECTION_TABLES[table];
    const join = keys.map((k) => `e.${k} = a.${k}`).join(' AND ');
    const key = keys.map((k) => `'${k}', coalesce(e.${k}, a.${k})::text`).join(', ');
    const rows = await manager.query<CheckRow[]>(
      `SELECT jsonb_build_object(${key}) AS key,
              (to_jsonb(e) - 'x')::text AS expected, (to_jsonb(a) - 'x')::text AS actual
         FROM ${expectedSchema}.${table} e FULL JOIN ${actualSchema}.${table} a ON ${join}
        WHERE e IS DISTINCT FROM a
        ORDER BY 1 LIMIT 1000`,
    );
    return rows.map((row) => ({
      check: `rows:${table}`,
      key: row.key,
      expected: row.expected ?? 'missing',
      actual: row.actual ?? 'missing',
    }));
  }
}
