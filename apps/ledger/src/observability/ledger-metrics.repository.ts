import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

/** Entries read per sample: a long pause is caught up over a few samples, never in one big read. */
export const ENTRIES_PER_SAMPLE_MAX = 100_000;

/** The journal figures the metrics follow. */
@Injectable()
export class LedgerMetricsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async headSequence(): Promise<bigint> {
    const [head] = await this.dataSource.query<{ sequence: string }[]>(
      'SELECT sequence::text FROM ledger_head WHERE id = 1',
    );
    return BigInt(head?.sequence ?? 0);
  }

  /** Entries with after < sequence <= through by kind (through - after at most ENTRIES_PER_SAMPLE_MAX). */
  async countByKind(after: bigint, through: bigint): Promise<Map<string, number>> {
    const rows = await this.dataSource.query<{ kind: string; entries: number }[]>(
      `SELECT kind, count(*)::int AS entries FROM journal_entries
        WHERE sequence > $1 AND sequence <= $2 GROUP BY kind`,
      [after.toString(), through.toString()],
    );
    return new Map(rows.map((row) => [row.kind, row.entries]));
  }
}
