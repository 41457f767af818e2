import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { EventData } from '@platform/contracts';
import { listLookupsOf, velocityKeysOf } from '../domain/block-lists';
import { parseIpCountryRanges, type IpCountryRange } from '../domain/ip-country';
import type { PaymentFacts, RiskRule } from '../domain/risk-rules';
import { velocityRulesOf } from '../domain/rule-sets';
import { hashScreenedKeys } from '../domain/screened-key-hash';
import { BlockListRepository } from '../lists/block-list.repository';
import { RISK_CONFIG, type RiskConfig } from '../risk-config';
import { paymentFactsFrom } from './payment-facts';
import { VelocityRepository, type ScreenedKey } from '../velocity/velocity.repository';

export interface GatheredFacts {
  readonly facts: PaymentFacts;
  /**
   * The keys the payment is counted under (card fingerprint, customer, email, IP it has), the
   * customer's id, email and IP as their keyed hashes: what velocity and the assessment store.
   */
  readonly keys: readonly ScreenedKey[];
}

/**
 * Everything the rules need to know about a payment, asked of the database inside the screening
 * transaction: the lists it is on, its velocity windows and whether the merchant knows its card.
 */
@Injectable()
export class ScreeningFacts {
  private readonly ipRanges: readonly IpCountryRange[];
  private readonly keyHashSecret: string;

  constructor(
    @Inject(RISK_CONFIG) config: RiskConfig,
    private readonly lists: BlockListRepository,
    private readonly velocity: VelocityRepository,
  ) {
    this.ipRanges = parseIpCountryRanges(config.IP_COUNTRY_RANGES);
    this.keyHashSecret = config.RISK_KEY_HASH_SECRET;
  }

  /**
   * Locks the payment's velocity keys until the transaction ends (see VelocityRepository.lockKeys).
   * Block lists are matched on the payment's plain values; velocity only ever sees the hashes.
   */
  async gather(
    manager: EntityManager,
    created: EventData<'payment.created'>,
    rules: readonly RiskRule[],
  ): Promise<GatheredFacts> {
    const { paymentId, merchantId, currency } = created;
    const base = paymentFactsFrom(created, this.ipRanges);
    const keys = hashScreenedKeys(this.keyHashSecret, velocityKeysOf(base));
    await this.velocity.lockKeys(manager, merchantId, keys);
    const listed = await this.lists.matchedKinds(manager, merchantId, listLookupsOf(base));
    const windows = velocityRulesOf(rules).map((rule) => rule.params);
    const velocity = await this.velocity.totals(manager, { merchantId, paymentId, currency, keys, windows });
    const fingerprint = base.card?.fingerprint;
    const seenFor =
      fingerprint === undefined
        ? undefined
        : await this.velocity.cardSeenForSeconds(manager, merchantId, fingerprint);
    return {
      facts: { ...base, listed, velocity, ...(seenFor === undefined ? {} : { cardSeenForSeconds: seenFor }) },
      keys,
    };
  }

  /** Counts the payment for later velocity and new-card checks, in the assessment's transaction. */
  async remember(
    manager: EntityManager,
    created: EventData<'payment.created'>,
    keys: readonly ScreenedKey[],
  ): Promise<void> {
    await this.velocity.record(manager, {
      paymentId: created.paymentId,
      merchantId: created.merchantId,
      keys,
      amountMinor: BigInt(created.amountMinor),
      currency: created.currency,
      ...(created.paymentMethod.type === 'card'
        ? { cardFingerprint: created.paymentMethod.card.fingerprint }
        : {}),
    });
  }
}
