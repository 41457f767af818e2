import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { CONSUMER_GROUPS } from '@platform/contracts';
import { UnprocessableEventError } from '@platform/kafka';
import { EventConsumers } from '@platform/service-runtime';
import { LedgerRuleError } from '../domain/ledger-error';
import { assertValidPricing, type Pricing } from '../domain/pricing';
import { LedgerStateRepository } from '../journal/ledger-state.repository';

/**
 * merchant.pricing_set → the merchant's fee in that currency, as the admin PUT sets it. Its own
 * group: a pricing change never waits behind a posting batch. Pricing and payments travel on
 * different topics, so a capture uses the pricing the ledger had applied when it posted it;
 * nothing orders a capture against a pricing change published at about the same time.
 */
@Injectable()
export class MerchantEventsConsumer implements OnApplicationBootstrap {
  private readonly logger = new Logger('MerchantEventsConsumer');

  constructor(
    private readonly consumers: EventConsumers,
    private readonly state: LedgerStateRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.consumers.start({
      ...CONSUMER_GROUPS.ledgerMerchants,
      handle: async (event, manager) => {
        if (event.type !== 'merchant.pricing_set') return;
        const { merchantId, currency, basisPoints, fixedAmountMinor } = event.data;
        const pricing: Pricing = { basisPoints: BigInt(basisPoints), fixedMinor: BigInt(fixedAmountMinor) };
        try {
          assertValidPricing(pricing);
        } catch (error) {
          if (error instanceof LedgerRuleError) throw new UnprocessableEventError(error.message);
          throw error;
        }
        await this.state.setPricing(merchantId, currency, pricing, manager);
        this.logger.log(`pricing of ${merchantId} in ${currency}: ${basisPoints} bp + ${fixedAmountMinor}`);
      },
    });
  }
}
