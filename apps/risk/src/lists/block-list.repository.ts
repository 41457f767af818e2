import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { ListKind } from '../domain/risk-rules';
import type { RuleScope } from '../domain/rule-sets';

export interface ListEntry {
  readonly id: string;
  readonly scope: RuleScope;
  readonly kind: ListKind;
  readonly value: string;
  readonly createdBy: string;
  readonly createdAt: Date;
}

interface ListEntryRow {
  id: string;
  scope: RuleScope;
  kind: ListKind;
  value: string;
  created_by: string;
  created_at: Date;
}

const toEntry = (row: ListEntryRow): ListEntry => ({
  id: row.id,
  scope: row.scope,
  kind: row.kind,
  value: row.value,
  createdBy: row.created_by,
  createdAt: row.created_at,
});

export const newListEntryId = () => `rle_${randomBytes(12).toString('hex')}`;

/** The only code that touches risk_list_entries and risk_list_changes. */
@Injectable()
export class BlockListRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Adds a value to a scope's list; an entry already there is answered as it is (created false). */
  add(
    scope: RuleScope,
    kind: ListKind,
    value: string,
    createdBy: string,
  ): Promise<{ entry: ListEntry; created: boolean }> {
    return this.dataSource.transaction(async (manager) => {
      const inserted: ListEntryRow[] = await manager.query(
        `INSERT INTO risk_list_entries (id, scope, kind, value, created_by) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (scope, kind, value) DO NOTHING RETURNING *`,
        [newListEntryId(), scope, kind, value, createdBy],
      );
      if (inserted[0] !== undefined) {
        await this.logChange(manager, inserted[0], 'added', createdBy);
        return { entry: toEntry(inserted[0]), created: true };
      }
      const existing: ListEntryRow[] = await manager.query(
        'SELECT * FROM risk_list_entries WHERE scope = $1 AND kind = $2 AND value = $3',
        [scope, kind, value],
      );
      return { entry: toEntry(existing[0]!), created: false };
    });
  }

  /** Removes an entry of the scope; null when the scope has no such entry. */
  remove(scope: RuleScope, id: string, removedBy: string): Promise<ListEntry | null> {
    return this.dataSource.transaction(async (manager) => {
      // TypeORM answers a DELETE with [rows, affected count].
      const [deleted]: [ListEntryRow[], number] = await manager.query(
        'DELETE FROM risk_list_entries WHERE id = $1 AND scope = $2 RETURNING *',
        [id, scope],
      );
      if (deleted[0] === undefined) return null;
      await this.logChange(manager, deleted[0], 'removed', removedBy);
      return toEntry(deleted[0]);
    });
  }

  /** A scope's entries, oldest first, of one kind when given, after the cursor (an entry id). */
  async list(
    scope: RuleScope,
    kind: ListKind | undefined,
    limit: number,
    startingAfter?: string,
  ): Promise<ListEntry[]> {
    const rows: ListEntryRow[] = await this.dataSource.query(
      `SELECT * FROM risk_list_entries e
        WHERE e.scope = $1 AND ($2::text IS NULL OR e.kind = $2)
          AND ($4::text IS NULL OR (e.created_at, e.id) >
               (SELECT created_at, id FROM risk_list_entries WHERE id = $4 AND scope = $1))
        ORDER BY e.created_at, e.id
        LIMIT $3`,
      [scope, kind ?? null, limit, startingAfter ?? null],
    );
    return rows.map(toEntry);
  }

  /** The lists (global or the merchant's) holding one of the values looked up. */
  async matchedKinds(
    manager: EntityManager,
    merchantId: string,
    lookups: readonly { kind: ListKind; values: readonly string[] }[],
  ): Promise<Set<ListKind>> {
    if (lookups.length === 0) return new Set();
    const pairs = lookups.flatMap(({ kind, values }) => values.map((value) => ({ kind, value })));
    const rows: { kind: ListKind }[] = await manager.query(
      `SELECT DISTINCT e.kind FROM risk_list_entries e
         JOIN unnest($2::text[], $3::text[]) AS wanted(kind, value)
           ON e.kind = wanted.kind AND e.value = wanted.value
        WHERE e.scope IN ('global', $1)`,
      [merchantId, pairs.map((pair) => pair.kind), pairs.map((pair) => pair.value)],
    );
    return new Set(rows.map((row) => row.kind));
  }

  private async logChange(
    manager: EntityManager,
    row: ListEntryRow,
    change: 'added' | 'removed',
    changedBy: string,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO risk_list_changes (entry_id, scope, kind, value, change, changed_by)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [row.id, row.scope, row.kind, row.value, change, changedBy],
    );
  }
}
