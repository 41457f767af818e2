import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import { createEvent } from '@platform/contracts';
import { appendToOutbox } from '@platform/db';
import { ApiKeyEntity } from './api-key.entity';
import { MerchantEntity } from './merchant.entity';
import { pricingChanges, type MerchantPricing } from './merchant-pricing';

interface PricingRow {
  currency: string;
  basis_points: number;
  fixed_amount_minor: string;
}

/** What an update changes; absent fields stay as they are. */
export interface MerchantChanges {
  readonly name?: string;
  readonly settlementCurrency?: string;
  readonly pricing?: readonly MerchantPricing[];
}

@Injectable()
export class MerchantsRepository {
  constructor(@InjectRepository(MerchantEntity) private readonly merchants: Repository<MerchantEntity>) {}

  /**
   * Inserts a merchant, its first API key and its pricing in one transaction, with a
   * merchant.pricing_set event per priced currency in the outbox; the database stamps
   * created_at, read back with RETURNING.
   */
  async insert(
    merchant: Omit<MerchantEntity, 'createdAt'>,
    apiKeyId: string,
    pricing: readonly MerchantPricing[],
    correlationId: string,
  ): Promise<MerchantEntity> {
    const result = await this.merchants.manager.transaction(async (manager) => {
      const inserted = await manager.getRepository(MerchantEntity).insert(merchant);
      await manager.getRepository(ApiKeyEntity).insert({
        id: apiKeyId,
        merchantId: merchant.id,
        keyHash: merchant.apiKeyHash,
        keyLast4: merchant.apiKeyLast4,
        revokedAt: null,
      });
      await this.setPricing(manager, merchant.id, pricing, correlationId);
      return inserted;
    });
    const generated = result.generatedMaps[0] as Partial<MerchantEntity> | undefined;
    if (!(generated?.createdAt instanceof Date))
      throw new Error(`merchant ${merchant.id}: no created_at returned`);
    return { ...merchant, createdAt: generated.createdAt };
  }

  findById(id: string): Promise<MerchantEntity | null> {
    return this.merchants.findOneBy({ id });
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

  /**
   * Applies an update under the merchant's row lock, so two concurrent updates publish their
   * pricing events in the order they stored them. Null when there is no such merchant.
   */
  async update(id: string, changes: MerchantChanges, correlationId: string): Promise<MerchantEntity | null> {
    return this.merchants.manager.transaction(async (manager) => {
      const locked: unknown[] = await manager.query('SELECT id FROM merchants WHERE id = $1 FOR UPDATE', [
        id,
      ]);
      if (locked.length === 0) return null;
      const fields: Partial<MerchantEntity> = {
        ...(changes.name === undefined ? {} : { name: changes.name }),
        ...(changes.settlementCurrency === undefined
          ? {}
          : { settlementCurrency: changes.settlementCurrency }),
      };
      if (Object.keys(fields).length > 0) await manager.getRepository(MerchantEntity).update({ id }, fields);
      if (changes.pricing !== undefined) {
        const changed = pricingChanges(await this.pricingOf(id, manager), changes.pricing);
        await this.setPricing(manager, id, changed, correlationId);
      }
      return manager.getRepository(MerchantEntity).findOneBy({ id });
    });
  }

  /**
   * Upserts the entries and appends one merchant.pricing_set per entry, numbered by the merchant's
   * pricing_events counter; the caller holds the merchant's row (insert or FOR UPDATE).
   */
  private async setPricing(
    manager: EntityManager,
    merchantId: string,
    pricing: readonly MerchantPricing[],
    correlationId: string,
  ): Promise<void> {
    if (pricing.length === 0) return;
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
    const first = bumped.last - pricing.length + 1;
    await appendToOutbox(
      manager,
      pricing.map((entry, index) =>
        createEvent(
          'merchant.pricing_set',
          {
            merchantId,
            currency: entry.currency,
            basisPoints: entry.basisPoints,
            fixedAmountMinor: entry.fixedAmountMinor.toString(),
          },
          {
            aggregateId: merchantId,
            aggregateSequence: first + index,
            merchantId,
            correlationId,
            causationId: null,
          },
        ),
      ),
    );
  }
}
