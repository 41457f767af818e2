import { Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { createEvent, type AnyEventEnvelope, type EventEnvelope } from '@platform/contracts';
import { UnprocessableEventError } from '@platform/kafka';
import type { Payment } from '../domain/payment-state-machine';
import type {
  AuthorizationRequest,
  AuthorizationResult,
  CaptureRequest,
  CaptureResult,
  ProcessorConnector,
} from '../processors/processor-connector';
import { ProcessorRegistry } from '../processors/processor-registry';
import { SimulatedProcessor } from '../processors/simulated-processor';
import { PaymentLifecycle } from './payment-lifecycle.service';
import type { LockedPayment, NewPaymentRow, PaymentRepository } from './payment.repository';

const PAYMENT_ID = 'pay_AbCdEfGhIjKlMnOpQrStUvWx';
const MERCHANT_ID = 'mer_TestMerchant01';

/** The repository's contract, in memory: rows, history, and a version check like the SQL one. */
class InMemoryPayments {
  readonly rows = new Map<string, NewPaymentRow>();
  readonly history: AnyEventEnvelope[] = [];

  findForUpdate(_manager: EntityManager, id: string): Promise<LockedPayment | null> {
    const row = this.rows.get(id);
    return Promise.resolve(row === undefined ? null : { state: row.state, paymentMethod: row.paymentMethod });
  }

  insert(_manager: EntityManager, row: NewPaymentRow): Promise<boolean> {
    if (this.rows.has(row.state.paymentId)) return Promise.resolve(false);
    this.rows.set(row.state.paymentId, row);
    return Promise.resolve(true);
  }

  update(_manager: EntityManager, state: Payment, expectedVersion: number): Promise<void> {
    const row = this.rows.get(state.paymentId);
    if (row?.state.version !== expectedVersion) throw new Error('version conflict');
    this.rows.set(state.paymentId, { ...row, state });
    return Promise.resolve();
  }

  appendEvents(_manager: EntityManager, events: readonly AnyEventEnvelope[]): Promise<void> {
    this.history.push(...events);
    return Promise.resolve();
  }
}

/** A processor that records its calls and answers like the simulator. */
class RecordingProcessor implements ProcessorConnector {
  readonly name = 'simulated-a';
  readonly authorizations: AuthorizationRequest[] = [];
  readonly captures: CaptureRequest[] = [];
  captureAnswer: CaptureResult | null = null;
  private readonly simulator = new SimulatedProcessor('simulated-a');

  authorize(request: AuthorizationRequest): Promise<AuthorizationResult> {
    this.authorizations.push(request);
    return this.simulator.authorize(request);
  }

  capture(request: CaptureRequest): Promise<CaptureResult> {
    this.captures.push(request);
    return this.captureAnswer === null
      ? this.simulator.capture(request)
      : Promise.resolve(this.captureAnswer);
  }
}

function setup() {
  const payments = new InMemoryPayments();
  const processor = new RecordingProcessor();
  const outbox: unknown[] = [];
  const manager = {
    query: (sql: string, values: unknown[]) => {
      if (sql.startsWith('INSERT INTO outbox'))
        outbox.push(
          ...values.filter((_, i) => i % 6 === 4).map((v) => JSON.parse(v as string) as AnyEventEnvelope),
        );
      return Promise.resolve([]);
    },
  } as unknown as EntityManager;
  const lifecycle = new PaymentLifecycle(
    payments as unknown as PaymentRepository,
    new ProcessorRegistry([processor]),
  );
  return { payments, processor, outbox: outbox as AnyEventEnvelope[], manager, lifecycle };
}

function createCommand(card = '4242424242424242', captureMethod: 'automatic' | 'manual' = 'automatic') {
  return createEvent(
    'payment.create',
    {
      paymentId: PAYMENT_ID,
      merchantId: MERCHANT_ID,
      amountMinor: '10000',
      currency: 'USD',
      captureMethod,
      paymentMethod: {
        type: 'card',
        card: {
          token: 'tok_abcdefgh12345678',
          brand: 'visa',
          bin: card.slice(0, 6),
          last4: card.slice(-4),
          expMonth: 12,
          expYear: 2030,
          fingerprint: 'fp_abcdefghijklmnop',
        },
      },
      customer: { email: 'jane@example.com', country: 'FR' },
      metadata: {},
    },
    {
      aggregateId: PAYMENT_ID,
      aggregateSequence: 1,
      merchantId: MERCHANT_ID,
      correlationId: 'req_correlation_1',
      causationId: null,
    },
  );
}

function riskAssessed(decision: 'approve' | 'review' | 'decline', merchantId = MERCHANT_ID) {
  return createEvent(
    'risk.assessed',
    { paymentId: PAYMENT_ID, decision, score: decision === 'approve' ? 0 : 60, reasons: [] },
    {
      aggregateId: PAYMENT_ID,
      aggregateSequence: 1,
      merchantId,
      correlationId: 'req_correlation_1',
      causationId: '00000000-0000-4000-8000-000000000001',
    },
  );
}

const summary = (events: readonly AnyEventEnvelope[]) => events.map((e) => [e.type, e.aggregateSequence]);

describe('PaymentLifecycle', () => {
  beforeAll(() => {
    Logger.overrideLogger(false);
  });

  it('records a created payment and emits payment.created as sequence 1, caused by the command', async () => {
    const { lifecycle, manager, payments, outbox } = setup();
    const command = createCommand();
    await lifecycle.create(command, manager);

    expect(payments.rows.get(PAYMENT_ID)?.state).toMatchObject({ status: 'processing', version: 1 });
    expect(summary(outbox)).toEqual([['payment.created', 1]]);
    expect(outbox[0]).toMatchObject({
      aggregateId: PAYMENT_ID,
      merchantId: MERCHANT_ID,
      correlationId: 'req_correlation_1',
      causationId: command.id,
      data: { amountMinor: '10000', currency: 'USD' },
    });
    expect(payments.history).toEqual(outbox);
  });

  it('ignores a second create for the same payment id', async () => {
    const { lifecycle, manager, outbox } = setup();
    await lifecycle.create(createCommand(), manager);
    await lifecycle.create(createCommand(), manager);
    expect(summary(outbox)).toEqual([['payment.created', 1]]);
  });

  it('refuses a command whose envelope names another payment than its data', async () => {
    const { lifecycle, manager } = setup();
    const command = {
      ...createCommand(),
      aggregateId: 'pay_Other0000000000',
    } as EventEnvelope<'payment.create'>;
    await expect(lifecycle.create(command, manager)).rejects.toThrow(UnprocessableEventError);
  });

  it('authorizes then captures at once on approval for automatic capture', async () => {
    const { lifecycle, manager, payments, processor, outbox } = setup();
    await lifecycle.create(createCommand(), manager);
    await lifecycle.applyRiskAssessment(riskAssessed('approve'), manager);

    expect(summary(outbox)).toEqual([
      ['payment.created', 1],
      ['payment.authorized', 2],
      ['payment.captured', 3],
    ]);
    expect(processor.authorizations).toEqual([
      {
        idempotencyKey: `${PAYMENT_ID}:auth:1`,
        amountMinor: 10_000n,
        currency: 'USD',
        card: { bin: '424242', last4: '4242', brand: 'visa' },
      },
    ]);
    expect(
      JSON.stringify(processor.authorizations, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)),
    ).not.toMatch(/tok_|[0-9]{13,19}/);
    expect(payments.rows.get(PAYMENT_ID)?.state).toMatchObject({
      status: 'succeeded',
      version: 3,
      amountCapturedMinor: 10_000n,
    });
    const authorized = outbox[1];
    expect(authorized?.type === 'payment.authorized' && authorized.data.processorReference).toMatch(
      /^simulated_a_/,
    );
  });

  it('stops at requires_capture for manual capture', async () => {
    const { lifecycle, manager, payments, processor, outbox } = setup();
    await lifecycle.create(createCommand('4242424242424242', 'manual'), manager);
    await lifecycle.applyRiskAssessment(riskAssessed('approve'), manager);
    expect(summary(outbox).slice(1)).toEqual([['payment.authorized', 2]]);
    expect(processor.captures).toEqual([]);
    expect(payments.rows.get(PAYMENT_ID)?.state.status).toBe('requires_capture');
  });

  it('keeps the authorization when the automatic capture fails', async () => {
    const { lifecycle, manager, payments, processor, outbox } = setup();
    processor.captureAnswer = { outcome: 'error', message: 'timeout' };
    await lifecycle.create(createCommand(), manager);
    await lifecycle.applyRiskAssessment(riskAssessed('approve'), manager);
    expect(summary(outbox).slice(1)).toEqual([['payment.authorized', 2]]);
    expect(payments.rows.get(PAYMENT_ID)?.state.status).toBe('requires_capture');
  });

  it.each([
    ['4000000000000002', 'card_declined'],
    ['4000000000009995', 'insufficient_funds'],
    ['4000000000000119', 'processor_error'],
  ])('fails a payment with card %s as %s', async (card, failureCode) => {
    const { lifecycle, manager, payments, outbox } = setup();
    await lifecycle.create(createCommand(card), manager);
    await lifecycle.applyRiskAssessment(riskAssessed('approve'), manager);
    expect(summary(outbox).slice(1)).toEqual([['payment.failed', 2]]);
    expect(outbox[1]).toMatchObject({ data: { paymentId: PAYMENT_ID, failureCode } });
    expect(payments.rows.get(PAYMENT_ID)?.state).toMatchObject({ status: 'failed', failureCode });
  });

  it('fails with risk_declined on a risk decline and never calls the processor', async () => {
    const { lifecycle, manager, processor, outbox } = setup();
    await lifecycle.create(createCommand(), manager);
    await lifecycle.applyRiskAssessment(riskAssessed('decline'), manager);
    expect(summary(outbox).slice(1)).toEqual([['payment.failed', 2]]);
    expect(outbox[1]).toMatchObject({ data: { failureCode: 'risk_declined' } });
    expect(processor.authorizations).toEqual([]);
  });

  it('leaves a payment under review processing, with nothing emitted', async () => {
    const { lifecycle, manager, payments, processor, outbox } = setup();
    await lifecycle.create(createCommand(), manager);
    await lifecycle.applyRiskAssessment(riskAssessed('review'), manager);
    expect(summary(outbox)).toEqual([['payment.created', 1]]);
    expect(processor.authorizations).toEqual([]);
    expect(payments.rows.get(PAYMENT_ID)?.state).toMatchObject({ status: 'processing', version: 1 });
  });

  it('ignores a second risk decision once the payment settled', async () => {
    const { lifecycle, manager, processor, outbox } = setup();
    await lifecycle.create(createCommand(), manager);
    await lifecycle.applyRiskAssessment(riskAssessed('approve'), manager);
    await lifecycle.applyRiskAssessment(riskAssessed('approve'), manager);
    expect(outbox).toHaveLength(3);
    expect(processor.authorizations).toHaveLength(1);
  });

  it('dead-letters a decision for an unknown payment or another merchant', async () => {
    const { lifecycle, manager } = setup();
    await expect(lifecycle.applyRiskAssessment(riskAssessed('approve'), manager)).rejects.toThrow(
      UnprocessableEventError,
    );
    await lifecycle.create(createCommand(), manager);
    await expect(
      lifecycle.applyRiskAssessment(riskAssessed('approve', 'mer_SomeoneElse01'), manager),
    ).rejects.toThrow(UnprocessableEventError);
  });
});
