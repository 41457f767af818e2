import { Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { createEvent, type AnyEventEnvelope, type EventEnvelope } from '@platform/contracts';
import { UnprocessableEventError } from '@platform/kafka';
import { RecordingOutbox } from '@platform/testing';
import type { Payment } from '../domain/payment';
import type {
  AuthorizationRequest,
  AuthorizationResult,
  CaptureRequest,
  CaptureResult,
  DisputeEvidenceRequest,
  DisputeEvidenceResult,
  ProcessorConnector,
  RefundRequest,
  RefundResult,
  VoidRequest,
  VoidResult,
} from '../processors/processor-connector';
import { paymentsEnvSchema } from '../payments-config';
import { ProcessorRegistry } from '../processors/processor-registry';
import { SimulatedProcessor, type SimulatorOptions } from '../processors/simulated-processor';
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
    return Promise.resolve(
      row === undefined
        ? null
        : {
            state: row.state,
            paymentMethod: row.paymentMethod,
            offSession: row.offSession,
            riskDeadlineAt: row.riskDeadlineAt,
          },
    );
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

  readonly screenings = new Map<string, string>();

  recordRiskScreening(_manager: EntityManager, id: string, screening: string): Promise<void> {
    const row = this.rows.get(id);
    if (row !== undefined) this.rows.set(id, { ...row, riskDeadlineAt: null });
    this.screenings.set(id, screening);
    return Promise.resolve();
  }

  readonly refunds = new Set<string>();

  refundExists(_manager: EntityManager, refundId: string): Promise<boolean> {
    return Promise.resolve(this.refunds.has(refundId));
  }

  insertRefund(_manager: EntityManager, refund: { refundId: string }): Promise<boolean> {
    const first = !this.refunds.has(refund.refundId);
    this.refunds.add(refund.refundId);
    return Promise.resolve(first);
  }
}

/** A processor that records its calls and answers like the simulator. */
class RecordingProcessor implements ProcessorConnector {
  readonly authorizations: AuthorizationRequest[] = [];
  readonly captures: CaptureRequest[] = [];
  readonly voids: VoidRequest[] = [];
  readonly refunds: RefundRequest[] = [];
  captureAnswer: CaptureResult | null = null;
  readonly simulator: SimulatedProcessor;

  constructor(
    readonly name: string,
    options: SimulatorOptions = {},
  ) {
    this.simulator = new SimulatedProcessor(name, options);
  }

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

  void(request: VoidRequest): Promise<VoidResult> {
    this.voids.push(request);
    return this.simulator.void(request);
  }

  refund(request: RefundRequest): Promise<RefundResult> {
    this.refunds.push(request);
    return this.simulator.refund(request);
  }

  submitDisputeEvidence(request: DisputeEvidenceRequest): Promise<DisputeEvidenceResult> {
    return this.simulator.submitDisputeEvidence(request);
  }
}

const CONFIG = paymentsEnvSchema.parse({
  ADMIN_TOKEN: 'admin-token-for-unit-tests',
  PROCESSOR_TIMEOUT_MS: '200',
});

function setup() {
  const payments = new InMemoryPayments();
  const processor = new RecordingProcessor('simulated-a', { hangAmountsMinor: [408n], hangMs: 1_000 });
  const processorB = new RecordingProcessor('simulated-b');
  const recording = new RecordingOutbox();
  // The lifecycle's repository is in memory and its outbox records: nothing reaches the manager.
  const manager = {} as EntityManager;
  const lifecycle = new PaymentLifecycle(
    payments as unknown as PaymentRepository,
    new ProcessorRegistry([processor, processorB]),
    CONFIG,
    recording,
  );
  return { payments, processor, processorB, outbox: recording.events, recording, manager, lifecycle };
}

function createCommand(
  card = '4242424242424242',
  captureMethod: 'automatic' | 'manual' = 'automatic',
  amountMinor = '10000',
) {
  return createEvent(
    'payment.create',
    {
      paymentId: PAYMENT_ID,
      merchantId: MERCHANT_ID,
      amountMinor,
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

function command<
  T extends
    | 'payment.capture'
    | 'payment.cancel'
    | 'payment.resolve_action'
    | 'refund.create'
    | 'dispute.submit_evidence',
>(type: T, data: Parameters<typeof createEvent<T>>[1], merchantId = MERCHANT_ID) {
  return createEvent(type, data, {
    aggregateId: PAYMENT_ID,
    aggregateSequence: 1,
    merchantId,
    correlationId: 'req_correlation_2',
    causationId: null,
  });
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
        paymentMethod: { type: 'card', bin: '424242', last4: '4242', brand: 'visa' },
        offSession: false,
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
    processor.captureAnswer = { outcome: 'error', code: 'processor_error', retryable: true, message: 'down' };
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

  it('leaves a payment under review processing with an open review, then closes it on the decision', async () => {
    const { lifecycle, manager, payments, processor, outbox } = setup();
    await lifecycle.create(createCommand(), manager);
    await lifecycle.applyRiskAssessment(riskAssessed('review'), manager);
    expect(summary(outbox)).toEqual([
      ['payment.created', 1],
      ['payment.review_opened', 2],
    ]);
    expect(outbox[1]?.data).toMatchObject({ paymentId: PAYMENT_ID, reviewId: `rev_${PAYMENT_ID.slice(4)}` });
    expect(processor.authorizations).toEqual([]);
    expect(payments.rows.get(PAYMENT_ID)?.state).toMatchObject({
      status: 'processing',
      version: 2,
      underReview: true,
    });
    await lifecycle.applyRiskAssessment(riskAssessed('approve'), manager);
    expect(summary(outbox).slice(2)).toEqual([
      ['payment.review_closed', 3],
      ['payment.authorized', 4],
      ['payment.captured', 5],
    ]);
    expect(outbox[2]?.data).toMatchObject({ outcome: 'approved' });
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

  it('fails over to the next processor after a timeout, voiding the first attempt', async () => {
    const { lifecycle, manager, payments, processor, processorB, outbox } = setup();
    await lifecycle.create(createCommand('4242424242424242', 'automatic', '408'), manager);
    await lifecycle.applyRiskAssessment(riskAssessed('approve'), manager);

    expect(summary(outbox).slice(1)).toEqual([
      ['payment.authorized', 2],
      ['payment.captured', 3],
    ]);
    expect(outbox[1]).toMatchObject({ data: { processor: 'simulated-b' } });
    expect(processor.voids).toEqual([
      {
        idempotencyKey: `${PAYMENT_ID}:void:1`,
        target: { authorizationIdempotencyKey: `${PAYMENT_ID}:auth:1` },
      },
    ]);
    expect(processorB.authorizations.map((request) => request.idempotencyKey)).toEqual([
      `${PAYMENT_ID}:auth:2`,
    ]);
    // The customer's statement: the first authorization voided, one capture at the second processor.
    expect(processor.simulator.chargesFor(PAYMENT_ID)).toMatchObject([
      { status: 'voided', capturedMinor: 0n },
    ]);
    expect(processorB.simulator.chargesFor(PAYMENT_ID)).toMatchObject([
      { status: 'authorized', capturedMinor: 408n },
    ]);
    expect(payments.rows.get(PAYMENT_ID)?.state).toMatchObject({
      status: 'succeeded',
      processor: 'simulated-b',
    });
  });

  it('tries a retryable processor error once more at the next processor, then fails', async () => {
    const { lifecycle, manager, processor, processorB, outbox } = setup();
    await lifecycle.create(createCommand('4000000000000119'), manager);
    await lifecycle.applyRiskAssessment(riskAssessed('approve'), manager);
    expect(processor.authorizations).toHaveLength(1);
    expect(processorB.authorizations).toHaveLength(1);
    expect(outbox[1]).toMatchObject({
      type: 'payment.failed',
      data: { failureCode: 'processor_error', processor: 'simulated-b' },
    });
  });

  it('does not fail over a decline', async () => {
    const { lifecycle, manager, processorB } = setup();
    await lifecycle.create(createCommand('4000000000000002'), manager);
    await lifecycle.applyRiskAssessment(riskAssessed('approve'), manager);
    expect(processorB.authorizations).toEqual([]);
  });

  it('walks 3-D Secure: requires_action, then approved, authorized and captured', async () => {
    const { lifecycle, manager, payments, processor, outbox } = setup();
    await lifecycle.create(createCommand('4000000000003220'), manager);
    await lifecycle.applyRiskAssessment(riskAssessed('approve'), manager);
    expect(summary(outbox).slice(1)).toEqual([['payment.requires_action', 2]]);
    expect(outbox[1]).toMatchObject({ data: { action: { type: 'three_d_secure' } } });

    await lifecycle.resolveAction(
      command('payment.resolve_action', { paymentId: PAYMENT_ID, outcome: 'approved' }),
      manager,
    );
    expect(summary(outbox).slice(2)).toEqual([
      ['payment.authorized', 3],
      ['payment.captured', 4],
    ]);
    expect(processor.authorizations[1]).toMatchObject({
      idempotencyKey: `${PAYMENT_ID}:auth:3ds`,
      completedActionId: expect.stringMatching(/^3ds_/) as unknown,
    });
    expect(payments.rows.get(PAYMENT_ID)?.state.status).toBe('succeeded');
  });

  it('fails 3-D Secure declined by the customer with authentication_failed', async () => {
    const { lifecycle, manager, outbox } = setup();
    await lifecycle.create(createCommand('4000000000003220'), manager);
    await lifecycle.applyRiskAssessment(riskAssessed('approve'), manager);
    await lifecycle.resolveAction(
      command('payment.resolve_action', { paymentId: PAYMENT_ID, outcome: 'declined' }),
      manager,
    );
    expect(outbox[2]).toMatchObject({
      type: 'payment.failed',
      data: { failureCode: 'authentication_failed' },
    });
  });

  it('captures part of a manual authorization with a final capture and refunds it in parts', async () => {
    const { lifecycle, manager, payments, processor, outbox } = setup();
    await lifecycle.create(createCommand('4242424242424242', 'manual'), manager);
    await lifecycle.applyRiskAssessment(riskAssessed('approve'), manager);
    await lifecycle.capture(
      command('payment.capture', { paymentId: PAYMENT_ID, amountMinor: '6000' }),
      manager,
    );
    expect(outbox[2]).toMatchObject({
      type: 'payment.captured',
      data: { amountMinor: '6000', final: true, captureId: `cap_${PAYMENT_ID.slice(4)}` },
    });
    expect(processor.captures[0]).toMatchObject({
      idempotencyKey: `${PAYMENT_ID}:capture:1`,
      amountMinor: 6_000n,
    });

    await lifecycle.refund(
      command('refund.create', { refundId: 're_first000001', paymentId: PAYMENT_ID, amountMinor: '2500' }),
      manager,
    );
    await lifecycle.refund(
      command('refund.create', { refundId: 're_first000001', paymentId: PAYMENT_ID, amountMinor: '2500' }),
      manager,
    );
    await lifecycle.refund(
      command('refund.create', { refundId: 're_second00002', paymentId: PAYMENT_ID, amountMinor: '3501' }),
      manager,
    );
    await lifecycle.refund(
      command('refund.create', { refundId: 're_third000003', paymentId: PAYMENT_ID }),
      manager,
    );
    expect(summary(outbox).slice(3)).toEqual([
      ['refund.succeeded', 4],
      ['refund.failed', 5],
      ['refund.succeeded', 6],
    ]);
    expect(outbox[4]).toMatchObject({ data: { failureCode: 'amount_exceeds_captured' } });
    expect(outbox[5]).toMatchObject({ data: { amountMinor: '3500' } });
    expect(processor.refunds.map((refund) => refund.amountMinor)).toEqual([2_500n, 3_500n]);
    expect(payments.rows.get(PAYMENT_ID)?.state).toMatchObject({
      amountCapturedMinor: 6_000n,
      amountRefundedMinor: 6_000n,
    });
  });

  it('takes non-final captures each under its own id and key, then a cancel releases the rest', async () => {
    const { lifecycle, manager, payments, processor, outbox } = setup();
    await lifecycle.create(createCommand('4242424242424242', 'manual'), manager);
    await lifecycle.applyRiskAssessment(riskAssessed('approve'), manager);
    const partial = (amountMinor: string) =>
      command('payment.capture', { paymentId: PAYMENT_ID, amountMinor, final: false });
    await lifecycle.capture(partial('3000'), manager);
    await lifecycle.capture(partial('2000'), manager);
    // More than the 5,000 left is refused and changes nothing.
    await lifecycle.capture(partial('5001'), manager);
    expect(summary(outbox).slice(2)).toEqual([
      ['payment.captured', 3],
      ['payment.captured', 4],
      ['payment.command_rejected', 4],
    ]);
    expect(outbox[2]?.data).toMatchObject({ amountMinor: '3000', final: false });
    expect(outbox[3]?.data).toMatchObject({ amountMinor: '2000', final: false });
    const ids = [outbox[2], outbox[3]].map((event) => (event?.data as { captureId: string }).captureId);
    expect(new Set(ids).size).toBe(2);
    expect(processor.captures.map((c) => c.idempotencyKey)).toEqual([
      `${PAYMENT_ID}:capture:1`,
      `${PAYMENT_ID}:capture:2`,
    ]);
    expect(payments.rows.get(PAYMENT_ID)?.state).toMatchObject({
      status: 'requires_capture',
      amountCapturedMinor: 5_000n,
    });

    await lifecycle.cancel(
      command('payment.cancel', { paymentId: PAYMENT_ID, reason: 'abandoned' }),
      manager,
    );
    expect(outbox[5]).toMatchObject({
      type: 'payment.canceled',
      data: { reason: 'abandoned', releasedAmountMinor: '5000' },
    });
    expect(payments.rows.get(PAYMENT_ID)?.state).toMatchObject({
      status: 'succeeded',
      amountCapturedMinor: 5_000n,
    });
    // The simulator released the uncaptured remainder instead of refusing the void.
    expect(processor.simulator.chargesFor(PAYMENT_ID)).toMatchObject([
      { status: 'voided', capturedMinor: 5_000n },
    ]);
  });

  it('cancels an authorization, voiding it at the processor', async () => {
    const { lifecycle, manager, payments, processor, outbox } = setup();
    await lifecycle.create(createCommand('4242424242424242', 'manual'), manager);
    await lifecycle.applyRiskAssessment(riskAssessed('approve'), manager);
    await lifecycle.cancel(
      command('payment.cancel', { paymentId: PAYMENT_ID, reason: 'duplicate' }),
      manager,
    );
    expect(outbox[2]).toMatchObject({
      type: 'payment.canceled',
      data: { reason: 'duplicate', releasedAmountMinor: '10000', currency: 'USD' },
    });
    expect(processor.simulator.chargesFor(PAYMENT_ID)).toMatchObject([{ status: 'voided' }]);
    // Capturing a canceled payment is an illegal transition: nothing changes, the refusal is reported.
    const capture = command('payment.capture', { paymentId: PAYMENT_ID });
    await lifecycle.capture(capture, manager);
    expect(outbox).toHaveLength(4);
    expect(outbox[3]).toMatchObject({
      type: 'payment.command_rejected',
      aggregateId: PAYMENT_ID,
      aggregateSequence: 3,
      merchantId: MERCHANT_ID,
      correlationId: 'req_correlation_2',
      causationId: capture.id,
      data: {
        commandId: capture.id,
        commandType: 'payment.capture',
        paymentId: PAYMENT_ID,
        code: 'invalid_state_transition',
      },
    });
    expect(payments.rows.get(PAYMENT_ID)?.state).toMatchObject({ status: 'canceled', version: 3 });
    expect(payments.history.map((event) => event.type)).not.toContain('payment.command_rejected');
  });

  it('expires an authorization seen at its current version only', async () => {
    const { lifecycle, manager, payments, outbox } = setup();
    await lifecycle.create(createCommand('4242424242424242', 'manual'), manager);
    await lifecycle.applyRiskAssessment(riskAssessed('approve'), manager);
    await lifecycle.expire(PAYMENT_ID, 1, manager);
    expect(outbox).toHaveLength(2);
    await lifecycle.expire(PAYMENT_ID, 2, manager);
    expect(outbox[2]).toMatchObject({
      type: 'payment.canceled',
      causationId: null,
      data: { reason: 'expired' },
    });
    expect(payments.rows.get(PAYMENT_ID)?.state.status).toBe('canceled');
  });

  it("refuses a command for another merchant's payment as payment_not_found, told to that merchant", async () => {
    const { lifecycle, manager, payments, outbox } = setup();
    await lifecycle.create(createCommand('4242424242424242', 'manual'), manager);
    await lifecycle.applyRiskAssessment(riskAssessed('approve'), manager);
    await lifecycle.cancel(
      command('payment.cancel', { paymentId: PAYMENT_ID }, 'mer_SomeoneElse01'),
      manager,
    );
    await lifecycle.capture(
      command('payment.capture', { paymentId: PAYMENT_ID }, 'mer_SomeoneElse01'),
      manager,
    );
    expect(payments.rows.get(PAYMENT_ID)?.state).toMatchObject({ status: 'requires_capture', version: 2 });
    expect(outbox.slice(2)).toMatchObject([
      {
        type: 'payment.command_rejected',
        merchantId: 'mer_SomeoneElse01',
        data: { commandType: 'payment.cancel', code: 'payment_not_found' },
      },
      {
        type: 'payment.command_rejected',
        merchantId: 'mer_SomeoneElse01',
        data: { commandType: 'payment.capture', code: 'payment_not_found' },
      },
    ]);
  });

  it('opens a dispute on 4000 0000 0000 0259 after capture, and closes it on evidence', async () => {
    const { lifecycle, manager, payments, outbox } = setup();
    await lifecycle.create(createCommand('4000000000000259'), manager);
    await lifecycle.applyRiskAssessment(riskAssessed('approve'), manager);
    expect(summary(outbox).slice(1)).toEqual([
      ['payment.authorized', 2],
      ['payment.captured', 3],
      ['dispute.opened', 4],
    ]);
    const opened = outbox[3];
    const disputeId = opened?.type === 'dispute.opened' ? opened.data.disputeId : '';
    expect(opened).toMatchObject({ data: { amountMinor: '10000', reason: 'fraudulent' } });
    await lifecycle.submitDisputeEvidence(
      command('dispute.submit_evidence', {
        disputeId: 'dp_NotThisOne0001',
        paymentId: PAYMENT_ID,
        evidence: 'x',
      }),
      manager,
    );
    expect(outbox[4]).toMatchObject({
      type: 'payment.command_rejected',
      data: { commandType: 'dispute.submit_evidence', code: 'dispute_not_open' },
    });
    await lifecycle.submitDisputeEvidence(
      command('dispute.submit_evidence', {
        disputeId,
        paymentId: PAYMENT_ID,
        evidence: 'receipt: winning_evidence',
      }),
      manager,
    );
    expect(outbox[5]).toMatchObject({ type: 'dispute.closed', data: { disputeId, outcome: 'won' } });
    expect(payments.rows.get(PAYMENT_ID)?.state).toMatchObject({ dispute: { status: 'won' } });
  });

  it('reports evidence the processor did not take, and takes it when submitted again', async () => {
    const { lifecycle, manager, payments, outbox } = setup();
    await lifecycle.create(createCommand('4000000000000259'), manager);
    await lifecycle.applyRiskAssessment(riskAssessed('approve'), manager);
    const opened = outbox[3];
    const disputeId = opened?.type === 'dispute.opened' ? opened.data.disputeId : '';
    const refused = command('dispute.submit_evidence', {
      disputeId,
      paymentId: PAYMENT_ID,
      evidence: 'receipt (processor_unavailable)',
    });
    await lifecycle.submitDisputeEvidence(refused, manager);
    expect(outbox[4]).toMatchObject({
      type: 'payment.command_rejected',
      causationId: refused.id,
      data: { commandId: refused.id, commandType: 'dispute.submit_evidence', code: 'processor_error' },
    });
    expect(payments.rows.get(PAYMENT_ID)?.state).toMatchObject({ dispute: { status: 'open' } });
    await lifecycle.submitDisputeEvidence(
      command('dispute.submit_evidence', { disputeId, paymentId: PAYMENT_ID, evidence: 'winning_evidence' }),
      manager,
    );
    expect(outbox[5]).toMatchObject({ type: 'dispute.closed', data: { disputeId, outcome: 'won' } });
  });

  it('reports a capture the processor did not take; the authorization stands', async () => {
    const { lifecycle, manager, payments, processor, outbox } = setup();
    await lifecycle.create(createCommand('4242424242424242', 'manual'), manager);
    await lifecycle.applyRiskAssessment(riskAssessed('approve'), manager);
    processor.captureAnswer = {
      outcome: 'error',
      code: 'processor_error',
      retryable: true,
      message: 'x'.repeat(600),
    };
    const capture = command('payment.capture', { paymentId: PAYMENT_ID });
    await lifecycle.capture(capture, manager);
    expect(outbox[2]).toMatchObject({
      type: 'payment.command_rejected',
      causationId: capture.id,
      data: { commandType: 'payment.capture', code: 'processor_error', message: 'x'.repeat(500) },
    });
    expect(payments.rows.get(PAYMENT_ID)?.state).toMatchObject({ status: 'requires_capture', version: 2 });
  });

  it('refuses a command for an unknown payment, and a create with a bad amount', async () => {
    const { lifecycle, manager, outbox } = setup();
    const refund = command('refund.create', { refundId: 're_0123456789abcdefghij', paymentId: PAYMENT_ID });
    await lifecycle.refund(refund, manager);
    expect(outbox).toMatchObject([
      {
        type: 'payment.command_rejected',
        aggregateSequence: 1,
        causationId: refund.id,
        data: { commandType: 'refund.create', code: 'payment_not_found', paymentId: PAYMENT_ID },
      },
    ]);
    const create = createCommand('4242424242424242', 'automatic', '0');
    await lifecycle.create(create, manager);
    expect(outbox[1]).toMatchObject({
      type: 'payment.command_rejected',
      causationId: create.id,
      data: { commandType: 'payment.create', code: 'amount_invalid' },
    });
  });

  it('reports nothing for internal commands: a late risk decision or an expiry that no longer applies', async () => {
    const { lifecycle, manager, outbox } = setup();
    await lifecycle.create(createCommand(), manager);
    await lifecycle.applyRiskAssessment(riskAssessed('approve'), manager);
    const settled = outbox.length;
    await lifecycle.applyRiskAssessment(riskAssessed('decline'), manager);
    await lifecycle.expire(PAYMENT_ID, 3, manager);
    expect(outbox).toHaveLength(settled);
  });
});

function methodCommand(
  paymentMethod: EventEnvelope<'payment.create'>['data']['paymentMethod'],
  overrides: { currency?: string; settlementCurrency?: string; captureMethod?: 'automatic' | 'manual' } = {},
) {
  return createEvent(
    'payment.create',
    {
      paymentId: PAYMENT_ID,
      merchantId: MERCHANT_ID,
      amountMinor: '10000',
      currency: overrides.currency ?? 'EUR',
      ...(overrides.settlementCurrency === undefined
        ? {}
        : { settlementCurrency: overrides.settlementCurrency }),
      captureMethod: overrides.captureMethod ?? 'automatic',
      paymentMethod,
      metadata: {},
    },
    {
      aggregateId: PAYMENT_ID,
      aggregateSequence: 1,
      merchantId: MERCHANT_ID,
      correlationId: 'req_correlation_2',
      causationId: null,
    },
  );
}

function resolveAction(outcome: 'approved' | 'declined') {
  return createEvent(
    'payment.resolve_action',
    { paymentId: PAYMENT_ID, outcome },
    {
      aggregateId: PAYMENT_ID,
      aggregateSequence: 1,
      merchantId: MERCHANT_ID,
      correlationId: 'req_correlation_3',
      causationId: null,
    },
  );
}

describe('PaymentLifecycle: bank transfers, wallets, FX and risk timeouts', () => {
  const summary = (events: readonly AnyEventEnvelope[]) => events.map((event) => event.type);
  const transfer = { type: 'bank_transfer' as const, bankTransfer: { country: 'DE' } };
  const alipay = { type: 'wallet' as const, wallet: { provider: 'alipay' as const } };
  const FAR_FUTURE = new Date('2100-01-01T00:00:00Z');

  it('waits for a bank transfer, then authorizes and captures once the bank pays', async () => {
    const { lifecycle, manager, outbox, processor } = setup();
    await lifecycle.create(methodCommand(transfer), manager);
    await lifecycle.applyRiskAssessment(riskAssessed('approve'), manager);
    expect(outbox[1]).toMatchObject({
      type: 'payment.requires_action',
      data: {
        action: { type: 'bank_transfer', virtualAccountReference: expect.stringMatching(/^VA/) as unknown },
      },
    });
    // 3 days by default, from the config, not the 3-D Secure lifetime.
    const waiting = outbox[1] as EventEnvelope<'payment.requires_action'>;
    const lifetimeMs = Date.parse(waiting.data.expiresAt) - Date.parse(waiting.occurredAt);
    expect(Math.round(lifetimeMs / 3_600_000)).toBe(72);
    await lifecycle.resolveAction(resolveAction('approved'), manager);
    expect(summary(outbox)).toEqual([
      'payment.created',
      'payment.requires_action',
      'payment.authorized',
      'payment.captured',
    ]);
    expect(outbox[2]).toMatchObject({
      data: { paymentMethodType: 'bank_transfer', processor: 'simulated-a' },
    });
    expect(processor.authorizations.map((request) => request.idempotencyKey)).toEqual([
      `${PAYMENT_ID}:auth:1`,
      `${PAYMENT_ID}:auth:bank_transfer`,
    ]);
    expect(processor.authorizations[1]).toMatchObject({
      paymentMethod: { type: 'bank_transfer', country: 'DE' },
      completedActionId:
        waiting.data.action.type === 'bank_transfer' ? waiting.data.action.virtualAccountReference : '',
    });
  });

  it('fails a QR code the customer declines with customer_declined, charging nothing', async () => {
    const { lifecycle, manager, outbox, processor } = setup();
    await lifecycle.create(methodCommand(alipay), manager);
    await lifecycle.applyRiskAssessment(riskAssessed('approve'), manager);
    expect(outbox[1]).toMatchObject({
      data: { action: { type: 'qr_code', qrPayload: expect.stringContaining('/alipay/') as unknown } },
    });
    await lifecycle.resolveAction(resolveAction('declined'), manager);
    expect(outbox[2]).toMatchObject({ type: 'payment.failed', data: { failureCode: 'customer_declined' } });
    expect(processor.simulator.chargesFor(PAYMENT_ID)).toEqual([]);
  });

  it('dead-letters manual capture of a wallet payment: the gateway refuses it first', async () => {
    const { lifecycle, manager, payments } = setup();
    await expect(
      lifecycle.create(methodCommand(alipay, { captureMethod: 'manual' }), manager),
    ).rejects.toThrow(UnprocessableEventError);
    expect(payments.rows.size).toBe(0);
  });

  it('carries the configured rate on the authorization and the capture', async () => {
    const { lifecycle, manager, outbox } = setup();
    await lifecycle.create(methodCommand(alipay, { settlementCurrency: 'USD' }), manager);
    await lifecycle.applyRiskAssessment(riskAssessed('approve'), manager);
    await lifecycle.resolveAction(resolveAction('approved'), manager);
    const fx = {
      settlementCurrency: 'USD',
      settlementAmountMinor: '10842',
      rate: '1.0842',
      rateVersion: '2026-11-25',
    };
    expect(outbox[0]).toMatchObject({ type: 'payment.created', data: { settlementCurrency: 'USD' } });
    expect(outbox[2]).toMatchObject({
      type: 'payment.authorized',
      data: { amountMinor: '10000', currency: 'EUR', fx },
    });
    expect(outbox[3]).toMatchObject({ type: 'payment.captured', data: { amountMinor: '10000', fx } });
  });

  it('fails a payment whose currency pair has no rate at create', async () => {
    const { lifecycle, manager, outbox } = setup();
    await lifecycle.create(methodCommand(alipay, { settlementCurrency: 'KWD' }), manager);
    expect(summary(outbox)).toEqual(['payment.created', 'payment.failed']);
    expect(outbox[1]).toMatchObject({
      data: {
        failureCode: 'currency_not_supported',
        failureMessage: expect.stringContaining('no EUR:KWD rate') as unknown,
      },
    });
  });

  it('fails closed when risk does not answer in time, and ignores the late answer', async () => {
    const { lifecycle, manager, outbox, processor, payments } = setup();
    await lifecycle.create(createCommand(), manager);
    await lifecycle.timeOutRiskAssessment(PAYMENT_ID, 1, manager, FAR_FUTURE);
    expect(outbox[1]).toMatchObject({
      type: 'payment.failed',
      causationId: null,
      data: { failureCode: 'risk_unavailable' },
    });
    expect(payments.screenings.get(PAYMENT_ID)).toBe('unscreened');
    await lifecycle.applyRiskAssessment(riskAssessed('approve'), manager);
    expect(summary(outbox)).toEqual(['payment.created', 'payment.failed']);
    expect(processor.authorizations).toEqual([]);
  });

  it('fails open for a merchant that chose it: authorized unscreened, the late answer ignored', async () => {
    const { manager, outbox, recording, processor, processorB, payments } = setup();
    const openConfig = paymentsEnvSchema.parse({
      ADMIN_TOKEN: 'admin-token-for-unit-tests',
      PROCESSOR_TIMEOUT_MS: '200',
      RISK_TIMEOUT_POLICY: JSON.stringify({ merchants: { [MERCHANT_ID]: 'open' } }),
    });
    const lifecycle = new PaymentLifecycle(
      payments as unknown as PaymentRepository,
      new ProcessorRegistry([processor, processorB]),
      openConfig,
      recording,
    );
    await lifecycle.create(createCommand(), manager);
    await lifecycle.timeOutRiskAssessment(PAYMENT_ID, 1, manager, FAR_FUTURE);
    expect(summary(outbox)).toEqual(['payment.created', 'payment.authorized', 'payment.captured']);
    expect(payments.screenings.get(PAYMENT_ID)).toBe('unscreened');
    await lifecycle.applyRiskAssessment(riskAssessed('decline'), manager);
    expect(summary(outbox)).toHaveLength(3);
  });

  it('does nothing before the deadline, or once risk answered', async () => {
    const { lifecycle, manager, outbox } = setup();
    await lifecycle.create(createCommand(), manager);
    await lifecycle.timeOutRiskAssessment(PAYMENT_ID, 1, manager, new Date(0));
    await lifecycle.applyRiskAssessment(riskAssessed('review'), manager);
    await lifecycle.timeOutRiskAssessment(PAYMENT_ID, 2, manager, FAR_FUTURE);
    expect(summary(outbox)).toEqual(['payment.created', 'payment.review_opened']);
  });
});
