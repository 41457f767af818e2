import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { createEvent } from '@platform/contracts';
import { appendToOutbox } from '@platform/db';
import type { MerchantEntity } from '../merchants/merchant.entity';
import { pricingChanges, type MerchantPricing } from '../merchants/merchant-pricing';
import { MerchantsRepository, type MerchantFieldChanges } from '../merchants/merchants.repository';

/** What an update changes; absent fields stay as they are. */
export interface MerchantChanges extends MerchantFieldChanges {
  readonly pricing?: readonly MerchantPricing[];
}

/**
 * The operator's merchant use cases: onboarding and updates. Each stores its rows and appends a
 * merchant.pricing_set per pricing entry it changes to the outbox, in one transaction.
 */
@Injectable()
export class MerchantAdminService {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    private readonly merchants: MerchantsRepository,
  ) {}

  /** A merchant, its first API key and its pricing. */
  onboard(
    merchant: Omit<MerchantEntity, 'createdAt'>,
    apiKeyId: string,
    pricing: readonly MerchantPricing[],
    correlationId: string,
  ): Promise<MerchantEntity> {
    return this.dataSource.transaction(async (manager) => {
      const inserted = await this.merchants.insert(manager, merchant, apiKeyId);
      await this.setPricing(manager, merchant.id, pricing, correlationId);
      return inserted;
    });
  }

  /**
   * Applies an update under the merchant's row lock, so two concurrent updates publish their
   * pricing events in the order they stored them. Null when there is no such merchant.
   */
  update(id: string, changes: MerchantChanges, correlationId: string): Promise<MerchantEntity | null> {
    return this.dataSource.transaction(async (manager) => {
      if (!(await this.merchants.lockForUpdate(manager, id))) return null;
      await this.merchants.updateFields(manager, id, changes);
      if (changes.pricing !== undefined) {
        const changed = pricingChanges(await this.merchants.pricingOf(id, manager), changes.pricing);
        await this.setPricing(manager, id, changed, correlationId);
      }
      return this.merchants.findById(id, manager);
    });
  }

  /** Stores the entries and appends one merchant.pricing_set each, numbered by the merchant's counter. */
  private async setPricing(
    manager: EntityManager,
    merchantId: string,
    pricing: readonly MerchantPricing[],
    correlationId: string,
  ): Promise<void> {
    if (pricing.length === 0) return;
    const first = await this.merchants.upsertPricing(manager, merchantId, pricing);
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
