import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { RiskRule } from '../domain/risk-rules';
import type { RuleScope, StoredRuleSet } from '../domain/rule-sets';
import { ruleFromWire, ruleToWire } from '../domain/rule-wire';

export interface RuleSetRecord extends StoredRuleSet {
  readonly changedBy: string;
  readonly changedAt: Date;
}

interface RuleSetRow {
  scope: RuleScope;
  version: number;
  rules: unknown[];
  changed_by: string;
  changed_at: Date;
}

function toRecord(row: RuleSetRow): RuleSetRecord {
  const rules = row.rules.map((wire, index): RiskRule => {
    const parsed = ruleFromWire(wire);
    // Every stored set went through the same parser on its way in: this is a corrupt row.
    if ('problem' in parsed) {
      throw new Error(
        `stored rules ${row.scope}.v${row.version}[${index}] ${parsed.problem.param}: ${parsed.problem.message}`,
      );
    }
    return parsed.rule;
  });
  return {
    scope: row.scope,
    version: row.version,
    rules,
    changedBy: row.changed_by,
    changedAt: row.changed_at,
  };
}

export type ReplaceOutcome =
  | { readonly kind: 'replaced'; readonly record: RuleSetRecord }
  | { readonly kind: 'version_conflict'; readonly currentVersion: number };

/** The only code that touches risk_rule_sets and risk_rule_set_history. */
@Injectable()
export class RuleSetRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The global set and the merchant's own (null when it has none), as one statement sees them. */
  async forMerchant(
    manager: EntityManager,
    merchantId: string,
  ): Promise<{ global: RuleSetRecord; merchant: RuleSetRecord | null }> {
    const rows: RuleSetRow[] = await manager.query(
      `SELECT * FROM risk_rule_sets WHERE scope IN ('global', $1)`,
      [merchantId],
    );
    const global = rows.find((row) => row.scope === 'global');
    if (global === undefined) throw new Error('risk_rule_sets has no global rule set: was it migrated?');
    const merchant = rows.find((row) => row.scope === merchantId);
    return { global: toRecord(global), merchant: merchant === undefined ? null : toRecord(merchant) };
  }

  async find(scope: RuleScope): Promise<RuleSetRecord | null> {
    const rows: RuleSetRow[] = await this.dataSource.query('SELECT * FROM risk_rule_sets WHERE scope = $1', [
      scope,
    ]);
    return rows[0] === undefined ? null : toRecord(rows[0]);
  }

  /** Every stored set, for the longest velocity window still in use. */
  async all(): Promise<RuleSetRecord[]> {
    const rows: RuleSetRow[] = await this.dataSource.query('SELECT * FROM risk_rule_sets');
    return rows.map(toRecord);
  }

  /**
   * Replaces a scope's rules with a new version and appends it to the history, in one
   * transaction under a per-scope lock; refused when expectedVersion is given and is not the
   * current version (0 for a scope without rules yet).
   */
  replace(
    scope: RuleScope,
    rules: readonly RiskRule[],
    expectedVersion: number | undefined,
    changedBy: string,
  ): Promise<ReplaceOutcome> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended('risk-rules:' || $1, 0))`, [scope]);
      const current: { version: number }[] = await manager.query(
        'SELECT version FROM risk_rule_sets WHERE scope = $1',
        [scope],
      );
      const currentVersion = current[0]?.version ?? 0;
      if (expectedVersion !== undefined && expectedVersion !== currentVersion) {
        return { kind: 'version_conflict', currentVersion } as const;
      }
      const wire = JSON.stringify(rules.map(ruleToWire));
      const rows: RuleSetRow[] = await manager.query(
        `INSERT INTO risk_rule_sets (scope, version, rules, changed_by) VALUES ($1, $2, $3, $4)
         ON CONFLICT (scope) DO UPDATE
           SET version = EXCLUDED.version, rules = EXCLUDED.rules,
               changed_by = EXCLUDED.changed_by, changed_at = EXCLUDED.changed_at
         RETURNING *`,
        [scope, currentVersion + 1, wire, changedBy],
      );
      await manager.query(
        `INSERT INTO risk_rule_set_history (scope, version, rules, changed_by, changed_at)
         VALUES ($1, $2, $3, $4, $5)`,
        [scope, currentVersion + 1, wire, changedBy, rows[0]!.changed_at],
      );
      return { kind: 'replaced', record: toRecord(rows[0]!) } as const;
    });
  }

  /** A scope's versions, newest first, below a version when given. */
  async history(scope: RuleScope, limit: number, beforeVersion?: number): Promise<RuleSetRecord[]> {
    const rows: RuleSetRow[] = await this.dataSource.query(
      `SELECT * FROM risk_rule_set_history
        WHERE scope = $1 AND ($3::integer IS NULL OR version < $3)
        ORDER BY version DESC LIMIT $2`,
      [scope, limit, beforeVersion ?? null],
    );
    return rows.map(toRecord);
  }
}
