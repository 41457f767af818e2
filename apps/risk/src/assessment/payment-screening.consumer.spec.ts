import { Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { createEvent, type EventData, type EventEnvelope } from '@platform/contracts';
import { UnprocessableEventError } from '@platform/kafka';
import { DEFAULT_FX_RATE_TABLE } from '@platform/money';
import { RecordingOutbox } from '@platform/testing';
import type { EventConsumers } from '@platform/service-runtime';
import { PaymentScreeningConsumer } from './payment-screening.consumer';
import type { NewAssessmentRow, RiskAssessmentRepository } from './risk-assessment.repository';
import type { RuleSource } from './rule-source';
import type { ScreeningFacts } from './screening-facts.service';
import { paymentFactsFrom } from './payment-facts';
import type { ReviewRepository } from '../review-queue/review.repository';
import { velocityKeysOf } from '../domain/block-lists';
import { DEFAULT_RULE_SET, type RuleSet } from '../domain/risk-rules';
import type { RiskConfig } from '../risk-config';

const PAYMENT_ID = 'pay_AbCdEfGhIjKlMnOpQrStUvWx';
const MERCHANT_ID = 'mer_TestMerchant01';

function setup(ruleSet: RuleSet = DEFAULT_RULE_SET) {
  const ruleSource = { rulesFor: () => Promise.resolve(ruleSet) } as unknown as RuleSource;
  const remembered: string[] = [];
  const screening = {
    gather: (_manager: EntityManager, created: EventData<'payment.created'>) => {
      const facts = paymentFactsFrom(created);
      return Promise.resolve({ facts, keys: velocityKeysOf(facts) });
    },
    remember: (_manager: EntityManager, created: EventData<'payment.created'>) => {
      remembered.push(created.paymentId);
      return Promise.resolve();
    },
  } as unknown as ScreeningFacts;
  const stored = new Map<string, NewAssessmentRow>();
  const repository = {
    insertIfFirst: (_manager: EntityManager, row: NewAssessmentRow) => {
      if (stored.has(row.paymentId)) return Promise.resolve(false);
      stored.set(row.paymentId, row);
      return Promise.resolve(true);
    },
  } as unknown as RiskAssessmentRepository;
  const recording = new RecordingOutbox();
  const outbox = recording.events;
  // The repositories are fakes and the outbox records: nothing reaches the manager.
  const manager = {} as EntityManager;
  const queued: string[] = [];
  const reviews = {
    enqueue: (_manager: EntityManager, review: { paymentId: string }) => {
      queued.push(review.paymentId);
      return Promise.resolve();
    },
  } as unknown as ReviewRepository;
  const consumer = new PaymentScreeningConsumer(
    { RISK_REFERENCE_CURRENCY: 'USD', FX_RATES: DEFAULT_FX_RATE_TABLE } as RiskConfig,
    {} as EventConsumers,
    repository,
    ruleSource,
    screening,
    reviews,
    recording,
  );
  return { consumer, stored, outbox, manager, queued, remembered };
}

function paymentCreated(amountMinor = '10000'): EventEnvelope<'payment.created'> {
  return createEvent(
    'payment.created',
    {
      paymentId: PAYMENT_ID,
      merchantId: MERCHANT_ID,
      amountMinor,
      currency: 'USD',
      captureMethod: 'automatic',
      paymentMethod: {
        type: 'card',
        card: {
          token: 'tok_abcdefgh12345678',
          brand: 'visa',
          bin: '424242',
          last4: '4242',
          expMonth: 12,
          expYear: 2030,
          fingerprint: 'fp_abcdefghijklmnop',
        },
      },
    },
    {
      aggregateId: PAYMENT_ID,
      aggregateSequence: 1,
      merchantId: MERCHANT_ID,
      correlationId: 'req_correlation_1',
      causationId: '00000000-0000-4000-8000-000000000009',
    },
  );
}

describe('PaymentScreeningConsumer', () => {
  beforeAll(() => {
    Logger.overrideLogger(false);
  });

  it('stores the assessment and emits risk.assessed as sequence 1, caused by payment.created', async () => {
    const { consumer, stored, outbox, manager } = setup();
    const created = paymentCreated();
    await consumer.handle(created, manager);

    expect(stored.get(PAYMENT_ID)).toMatchObject({
      merchantId: MERCHANT_ID,
      rulesVersion: DEFAULT_RULE_SET.version,
      causedByEventId: created.id,
      assessment: { decision: 'approve', score: 0 },
    });
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toMatchObject({
      type: 'risk.assessed',
      aggregateId: PAYMENT_ID,
      aggregateSequence: 1,
      merchantId: MERCHANT_ID,
      correlationId: 'req_correlation_1',
      causationId: created.id,
      data: { paymentId: PAYMENT_ID, decision: 'approve', score: 0, reasons: [] },
    });
  });

  it('sends a large amount to review and puts it in the review queue', async () => {
    const { consumer, outbox, manager, queued } = setup();
    await consumer.handle(paymentCreated('1000001'), manager);
    expect(outbox[0]).toMatchObject({
      data: { decision: 'review', score: 60, reasons: ['amount_above:global-high-amount'] },
    });
    expect(queued).toEqual([PAYMENT_ID]);
  });

  it('queues nothing for an approved payment', async () => {
    const { consumer, manager, queued } = setup();
    await consumer.handle(paymentCreated('1000'), manager);
    expect(queued).toEqual([]);
  });

  it('answers a payment once, even when payment.created arrives again under another id', async () => {
    const { consumer, outbox, manager } = setup();
    await consumer.handle(paymentCreated(), manager);
    await consumer.handle(paymentCreated(), manager);
    expect(outbox).toHaveLength(1);
  });

  it('ignores other payment events', async () => {
    const { consumer, outbox, manager } = setup();
    const failed = createEvent(
      'payment.failed',
      { paymentId: PAYMENT_ID, failureCode: 'card_declined', failureMessage: 'declined' },
      {
        aggregateId: PAYMENT_ID,
        aggregateSequence: 2,
        merchantId: MERCHANT_ID,
        correlationId: 'c',
        causationId: null,
      },
    );
    await consumer.handle(failed, manager);
    expect(outbox).toEqual([]);
  });

  it('dead-letters a payment.created whose envelope disagrees with its data', async () => {
    const { consumer, manager } = setup();
    const forged = { ...paymentCreated(), merchantId: 'mer_SomeoneElse01' };
    await expect(consumer.handle(forged, manager)).rejects.toThrow(UnprocessableEventError);
  });

  it('stores the keys it screened under and counts the payment once, with its first assessment', async () => {
    const { consumer, stored, manager, remembered } = setup();
    await consumer.handle(paymentCreated(), manager);
    await consumer.handle(paymentCreated(), manager);
    expect(stored.get(PAYMENT_ID)?.screenedKeys).toEqual([
      { key: 'card_fingerprint', value: 'fp_abcdefghijklmnop' },
    ]);
    expect(remembered).toEqual([PAYMENT_ID]);
  });

  it('assesses with the rules its source gives for the merchant, and stores their version', async () => {
    const { consumer, stored, outbox, manager } = setup({
      version: 'global.v2+mer_TestMerchant01.v1',
      rules: [
        {
          id: 'merchant-cap',
          kind: 'amount_above',
          params: { amountMinor: 100n },
          action: 'block',
          weight: 70,
          mode: 'enforce',
        },
      ],
    });
    await consumer.handle(paymentCreated('101'), manager);
    expect(stored.get(PAYMENT_ID)?.rulesVersion).toBe('global.v2+mer_TestMerchant01.v1');
    expect(outbox[0]).toMatchObject({
      data: { decision: 'decline', score: 70, reasons: ['amount_above:merchant-cap'] },
    });
  });
});
