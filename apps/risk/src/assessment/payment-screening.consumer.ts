import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  CONSUMER_GROUPS,
  causedBy,
  createEvent,
  type AnyEventEnvelope,
  type EventEnvelope,
} from '@platform/contracts';
import { OutboxWriter } from '@platform/db';
import { UnprocessableEventError } from '@platform/kafka';
import { EventConsumers } from '@platform/service-runtime';
import { assess } from '../domain/risk-assessment';
import type { AmountReference } from '../domain/risk-rules';
import { RISK_CONFIG, type RiskConfig } from '../risk-config';
import { RiskAssessmentRepository } from './risk-assessment.repository';
import { RuleSource } from './rule-source';
import { ScreeningFacts } from './screening-facts.service';
import { ReviewRepository } from '../review-queue/review.repository';

/** Risk emits one event per payment, so risk.assessed is always sequence 1 of the payment's risk events. */
const RISK_ASSESSED_SEQUENCE = 1;

/** Answers every new payment with an assessment: stored, then published as risk.assessed. */
@Injectable()
export class PaymentScreeningConsumer implements OnApplicationBootstrap {
  private readonly logger = new Logger('PaymentScreening');
  private readonly reference: AmountReference;

  constructor(
    @Inject(RISK_CONFIG) config: RiskConfig,
    private readonly consumers: EventConsumers,
    private readonly assessments: RiskAssessmentRepository,
    private readonly rules: RuleSource,
    private readonly screening: ScreeningFacts,
    private readonly reviews: ReviewRepository,
    private readonly outbox: OutboxWriter,
  ) {
    this.reference = { currency: config.RISK_REFERENCE_CURRENCY, table: config.FX_RATES };
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.consumers.start({
      ...CONSUMER_GROUPS.risk,
      handle: (event, manager) => this.handle(event, manager),
    });
  }

  async handle(event: AnyEventEnvelope, manager: EntityManager): Promise<void> {
    switch (event.type) {
      case 'payment.created':
        return this.screen(event, manager);
      default:
        return;
    }
  }

  private async screen(created: EventEnvelope<'payment.created'>, manager: EntityManager): Promise<void> {
    const { paymentId, merchantId } = created.data;
    if (created.aggregateId !== paymentId || created.merchantId !== merchantId) {
      throw new UnprocessableEventError(`payment.created ${created.id}: envelope does not match its data`);
    }
    // Rules, lists and counts are read in this transaction: a change committed before it applies.
    const ruleSet = await this.rules.rulesFor(manager, merchantId);
    const { facts, keys } = await this.screening.gather(manager, created.data, ruleSet.rules);
    const assessment = assess(facts, ruleSet.rules, this.reference);
    const first = await this.assessments.insertIfFirst(manager, {
      id: randomUUID(),
      paymentId,
      merchantId,
      assessment,
      rulesVersion: ruleSet.version,
      causedByEventId: created.id,
      screenedKeys: keys,
    });
    if (!first) {
      this.logger.warn(`payment.created ${created.id}: ${paymentId} was assessed already; nothing emitted`);
      return;
    }
    await this.screening.remember(manager, created.data, keys);
    if (assessment.shadowReasons.length > 0) {
      this.logger.log(`payment ${paymentId}: shadow rules matched: ${assessment.shadowReasons.join(', ')}`);
    }
    if (assessment.decision === 'review') {
      await this.reviews.enqueue(manager, {
        paymentId,
        merchantId,
        amountMinor: BigInt(created.data.amountMinor),
        currency: created.data.currency,
        score: assessment.score,
        reasons: assessment.reasons,
        correlationId: created.correlationId,
        causedByEventId: created.id,
      });
    }
    const assessed = createEvent(
      'risk.assessed',
      { paymentId, decision: assessment.decision, score: assessment.score, reasons: assessment.reasons },
      causedBy(created, RISK_ASSESSED_SEQUENCE, paymentId),
    );
    await this.outbox.append(manager, [assessed]);
  }
}
