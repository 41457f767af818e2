import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

export interface BalanceRow {
  readonly currency: string;
  readonly pendingMinor: bigint;
  readonly availableMinor: bigint;
}

/** Per merchant and currency, what the platform owes the merchant; only this class touches merchant_balances. */
@Injectable()
export class BalanceRepository {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async add(
    manager: EntityManager,
    merchantId: string,
    currency: string,
    pendingDeltaMinor: bigint,
    availableDeltaMinor: bigint,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO merchant_balances (merchant_id, currency, pending_minor, available_minor) VALUES ($1, $2, $3, $4)
       ON CONFLICT (merchant_id, currency) DO UPDATE
         SET pending_minor = merchant_balances.pending_minor + EXCLUDED.pending_minor,
             available_minor = merchant_balances.available_minor + EXCLUDED.available_minor`,
      [merchantId, currency, pendingDeltaMinor.toString(), availableDeltaMinor.toString()],
    );
  }

  async forMerchant(merchantId: string): Promise<BalanceRow[]> {
    const rows: unknown = await this.dataSource.query(
      `SELECT currency, pending_minor::text AS pending, available_minor::text AS available
       FROM merchant_balances WHERE merchant_id = $1 ORDER BY currency`,
      [merchantId],
    );
    return (rows as { currency: string; pending: string; available: string }[]).map((row) => ({
      currency: row.currency,
      pendingMinor: BigInt(row.pending),
      availableMinor: BigInt(row.available),
    }));
  }
}
