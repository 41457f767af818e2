import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import { ApiKeyEntity } from './api-key.entity';
import { MerchantEntity } from './merchant.entity';
import type { MerchantPricing } from './merchant-pricing';

interface PricingRow {
  currency: string;
  basis_points: number;
  fixed_amount_minor: string;
}

/** The merchant's own fields an update changes; absent fields stay as they are. */
export interface MerchantFieldChanges {
  readonly name?: string;
  readonly settlementCurrency?: string;
}

/**
 * The merchants' rows: merchants, their first API key, their pricing. Writes run in the caller's
 * transaction; what is published about them is the use case's (merchant-admin).
 */
@Injectable()
export class MerchantsRepository {
  constructor(@InjectRepository(MerchantEntity) private readonly merchants: Repository<MerchantEntity>) {}

  /** Inserts a merchant and its first API key; the database stamps created_at, read back with RETURNING. */
  async insert(
    manager: EntityManager,
    merchant: Omit<MerchantEntity, 'createdAt'>,
    apiKeyId: string,
  ): Promise<MerchantEntity> {
    const inserted = await manager.getRepository(MerchantEntity).insert(merchant);
    await manager.getRepository(ApiKeyEntity).insert({
      id: apiKeyId,
      merchantId: merchant.id,
      keyHash: merchant.apiKeyHash,
      keyLast4: merchant.apiKeyLast4,
      revokedAt: null,
    });
    const generated = inserted.generatedMaps[0] as Partial<MerchantEntity> | undefined;
    if (!(generated?.createdAt instanceof Date))
      throw new Error(`merchant ${merchant.id}: no created_at returned`);
    return { ...merchant, createdAt: generated.createdAt };
  }

  findById(id: string, manager: EntityManager = this.merchants.manager): Promise<MerchantEntity | null> {
    return manager.getRepository(MerchantEntity).findOneBy({ id });
  }

  async pricingOf(
    merchantId: string,
    manager: EntityManager = this.merchants.manager,
  ): Promise<MerchantPricing[]> {
    const rows = await manager.query<PricingRow[]>(
      'SELECT currency, basis_points, fixed_amount_minor FROM merchant_pricing WHERE merchant_id = $1 ORDER BY currency',
      [merchantId],
    );
    return rows.map((row) => ({
      currency: row.currency,
      basisPoints: row.basis_points,
      fixedAmountMinor: BigInt(row.fixed_amount_minor),
    }));
  }

  /** Locks the merchant's row for the caller's transaction; false when there is no such merchant. */
  async lockForUpdate(manager: EntityManager, id: string): Promise<boolean> {
    const locked: unknown[] = await manager.query('SELECT id FROM merchants WHERE id = $1 FOR UPDATE', [id]);
    return locked.length > 0;
  }

  async updateFields(manager: EntityManager, id: string, changes: MerchantFieldChanges): Promise<void> {
    const fields: Partial<MerchantEntity> = {
      ...(changes.name === undefined ? {} : { name: changes.name }),
      ...(changes.settlementCurrency === undefined ? {} : { settlementCurrency: changes.settlementCurrency }),
    };
    if (Object.keys(fields).length > 0) await manager.getRepository(MerchantEntity).update({ id }, fields);
  }

  /**
   * Upserts the entries (at least one) and takes as many numbers from the merchant's
   * pricing_events counter, returning the first: the aggregate sequence of the first entry's
   * merchant.pricing_set. The caller holds the merchant's row (insert or lockForUpdate).
   */
  async upsertPricing(
    manager: EntityManager,
    merchantId: string,
    pricing: readonly MerchantPricing[],
  ): Promise<number> {
    if (pricing.length === 0) throw new Error(`merchant ${merchantId}: no pricing to upsert`);
    await manager.query(
      `INSERT INTO merchant_pricing (merchant_id, currency, basis_points, fixed_amount_minor)
         SELECT $1, * FROM unnest($2::text[], $3::int[], $4::bigint[])
       ON CONFLICT (merchant_id, currency) DO UPDATE
         SET basis_points = EXCLUDED.basis_points, fixed_amount_minor = EXCLUDED.fixed_amount_minor,
             updated_at = now()`,
      [
        merchantId,
        pricing.map((entry) => entry.currency),
        pricing.map((entry) => entry.basisPoints),
        pricing.map((entry) => entry.fixedAmountMinor.toString()),
      ],
    );
    const [bumped] = await manager.query<{ last: number }[]>(
      `WITH bumped AS (
         UPDATE merchants SET pricing_events = pricing_events + $2 WHERE id = $1 RETURNING pricing_events
       )
       SELECT pricing_events AS last FROM bumped`,
      [merchantId, pricing.length],
    );
    if (bumped === undefined) throw new Error(`merchant ${merchantId}: vanished while setting its pricing`);
    return bumped.last - pricing.length + 1;
  }
}
