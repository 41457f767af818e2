import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { VolumeKey, VolumeRow } from './volume-row';

interface VolumeDbRow {
  merchant_id: string;
  day: string;
  currency: string;
  payment_method: string;
  gross_minor: string;
  fee_minor: string;
  net_minor: string;
  capture_count: string;
}

export interface VolumeFilter {
  readonly merchantId?: string;
  readonly currency?: string;
  readonly paymentMethod?: string;
  readonly fromDay?: string;
  readonly toDay?: string;
}

const COLUMNS = `merchant_id, day::text AS day, currency, payment_method,
  gross_minor, fee_minor, net_minor, capture_count`;

function toRow(row: VolumeDbRow): VolumeRow {
  return {
    merchantId: row.merchant_id,
    day: row.day,
    currency: row.currency,
    paymentMethod: row.payment_method,
    grossMinor: BigInt(row.gross_minor),
    feeMinor: BigInt(row.fee_minor),
    netMinor: BigInt(row.net_minor),
    captureCount: BigInt(row.capture_count),
  };
}

/** The only code that reads or writes volume_daily. */
@Injectable()
export class VolumeRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The row under a lock held to the end of the caller's transaction, or undefined. */
  async lock(manager: EntityManager, key: VolumeKey): Promise<VolumeRow | undefined> {
    const [row] = await manager.query<VolumeDbRow[]>(
      `SELECT ${COLUMNS} FROM volume_daily
        WHERE merchant_id = $1 AND day = $2 AND currency = $3 AND payment_method = $4 FOR UPDATE`,
      [key.merchantId, key.day, key.currency, key.paymentMethod],
    );
    return row === undefined ? undefined : toRow(row);
  }

  /** Inserts a new row; false when another transaction inserted it first (then lock and update it). */
  async insert(manager: EntityManager, row: VolumeRow): Promise<boolean> {
    const inserted = await manager.query<unknown[]>(
      `INSERT INTO volume_daily
         (merchant_id, day, currency, payment_method, gross_minor, fee_minor, net_minor, capture_count)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT DO NOTHING RETURNING 1`,
      this.values(row),
    );
    return inserted.length === 1;
  }

  async update(manager: EntityManager, row: VolumeRow): Promise<void> {
    await manager.query(
      `UPDATE volume_daily SET gross_minor = $5, fee_minor = $6, net_minor = $7, capture_count = $8
        WHERE merchant_id = $1 AND day = $2 AND currency = $3 AND payment_method = $4`,
      this.values(row),
    );
  }

  /** Rows in (day, merchant, currency, method) order, at most limit. */
  async find(filter: VolumeFilter, limit: number): Promise<VolumeRow[]> {
    const conditions: string[] = [];
    const values: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      values.push(value);
      conditions.push(sql.replace('?', `$${values.length}`));
    };
    if (filter.merchantId !== undefined) add('merchant_id = ?', filter.merchantId);
    if (filter.currency !== undefined) add('currency = ?', filter.currency);
    if (filter.paymentMethod !== undefined) add('payment_method = ?', filter.paymentMethod);
    if (filter.fromDay !== undefined) add('day >= ?::date', filter.fromDay);
    if (filter.toDay !== undefined) add('day <= ?::date', filter.toDay);
    values.push(limit);
    const rows = await this.dataSource.query<VolumeDbRow[]>(
      `SELECT ${COLUMNS} FROM volume_daily
        ${conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`}
        ORDER BY day, merchant_id, currency, payment_method LIMIT $${values.length}`,
      values,
    );
    return rows.map(toRow);
  }

  private values(row: VolumeRow): unknown[] {
    return [
      row.merchantId,
      row.day,
      row.currency,
      row.paymentMethod,
      row.grossMinor.toString(),
      row.feeMinor.toString(),
      row.netMinor.toString(),
      row.captureCount.toString(),
    ];
  }
}
