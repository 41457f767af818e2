import {
  ALLOWED_TRANSITIONS,
  NO_PAYMENT,
  PAYMENT_STATUSES,
  PaymentHistoryError,
  RISK_DECLINED_MESSAGE,
  decide,
  evolve,
  handleCommand,
  isRejection,
  replay,
  type CreatePayment,
  type PaymentCommand,
  type PaymentEvent,
  type RejectionCode,
} from './payment-state-machine';

const PAYMENT_ID = 'pay_AbCdEfGhIjKlMnOpQrStUvWx';

const create = (overrides: Partial<CreatePayment['data']> = {}): CreatePayment => ({
  type: 'CreatePayment',
  data: {
    paymentId: PAYMENT_ID,
    merchantId: 'mer_TestMerchant01',
    amountMinor: 10_000n,
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
    ...overrides,
  },
});

const created = (overrides: Partial<CreatePayment['data']> = {}): PaymentEvent => ({
  type: 'PaymentCreated',
  data: create(overrides).data,
});

const authorizedData = {
  paymentId: PAYMENT_ID,
  amountMinor: 10_000n,
  currency: 'USD',
  paymentMethodType: 'card' as const,
  processor: 'simulated-a',
  processorReference: 'sim_a_0123456789abcdef',
};
const authorized: PaymentEvent = { type: 'PaymentAuthorized', data: authorizedData };
const captured: PaymentEvent = { type: 'PaymentCaptured', data: authorizedData };
const failed: PaymentEvent = {
  type: 'PaymentFailed',
  data: { paymentId: PAYMENT_ID, failureCode: 'card_declined', failureMessage: 'Your card was declined.' },
};

const approve: PaymentCommand = {
  type: 'ApplyRiskDecision',
  data: { decision: 'approve', score: 0, reasons: [] },
};
const review: PaymentCommand = {
  type: 'ApplyRiskDecision',
  data: { decision: 'review', score: 60, reasons: ['amount_above:global-high-amount'] },
};
const declineByRisk: PaymentCommand = {
  type: 'ApplyRiskDecision',
  data: { decision: 'decline', score: 100, reasons: ['blocked_bin:global-blocked-bins'] },
};
const authorizedOutcome: PaymentCommand = {
  type: 'RecordProcessorOutcome',
  data: { outcome: 'authorized', processor: 'simulated-a', processorReference: 'sim_a_0123456789abcdef' },
};
const capture: PaymentCommand = { type: 'Capture', data: {} };

/** Given events, when a command: then these events (or this rejection code). */
function given(history: readonly PaymentEvent[]) {
  const state = replay(history);
  return {
    when: (command: PaymentCommand) => {
      const result = decide(command, state);
      return {
        then: (expected: readonly PaymentEvent[]) => {
          if (isRejection(result))
            throw new Error(`expected events, got rejection ${result.code}: ${result.message}`);
          expect(result).toEqual(expected);
        },
        thenRejected: (code: RejectionCode) => {
          if (!isRejection(result))
            throw new Error(`expected rejection ${code}, got ${JSON.stringify(result, bigints)}`);
          expect(result.code).toBe(code);
          expect(result.command).toBe(command.type);
        },
      };
    },
  };
}

function bigints(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? `${value}n` : value;
}

describe('payment decider', () => {
  describe('CreatePayment', () => {
    it('creates a payment that did not exist', () => {
      given([]).when(create()).then([created()]);
    });

    it('rejects a second create for the same payment id', () => {
      given([created()]).when(create()).thenRejected('payment_already_exists');
    });

    it('rejects a create for a payment that already failed', () => {
      given([created(), failed]).when(create()).thenRejected('payment_already_exists');
    });

    it.each([0n, -1n])('rejects a non-positive amount %p', (amountMinor) => {
      given([]).when(create({ amountMinor })).thenRejected('amount_invalid');
    });
  });

  describe('ApplyRiskDecision', () => {
    it('fails the payment with risk_declined when risk declines', () => {
      given([created()])
        .when(declineByRisk)
        .then([
          {
            type: 'PaymentFailed',
            data: {
              paymentId: PAYMENT_ID,
              failureCode: 'risk_declined',
              failureMessage: RISK_DECLINED_MESSAGE,
            },
          },
        ]);
    });

    it('emits nothing on approve: the processor is asked next', () => {
      given([created()]).when(approve).then([]);
    });

    it('emits nothing on review: the payment stays processing', () => {
      given([created()]).when(review).then([]);
      const result = handleCommand(review, replay([created()]));
      if (isRejection(result)) throw new Error(result.message);
      expect(result.state.status).toBe('processing');
      expect(result.state.version).toBe(1);
    });

    it('rejects a decision for an unknown payment', () => {
      given([]).when(approve).thenRejected('payment_not_found');
    });

    it.each([
      ['requires_capture', [created(), authorized]],
      ['succeeded', [created(), authorized, captured]],
      ['failed', [created(), failed]],
    ] as const)('rejects a decision for a payment in %s', (_status, history) => {
      given(history).when(approve).thenRejected('invalid_state_transition');
      given(history).when(declineByRisk).thenRejected('invalid_state_transition');
    });
  });

  describe('RecordProcessorOutcome', () => {
    it('authorizes with the processor reference', () => {
      given([created()]).when(authorizedOutcome).then([authorized]);
    });

    it('fails with the decline code of the processor', () => {
      given([created()])
        .when({
          type: 'RecordProcessorOutcome',
          data: {
            outcome: 'declined',
            processor: 'simulated-a',
            declineCode: 'insufficient_funds',
            message: 'Your card has insufficient funds.',
          },
        })
        .then([
          {
            type: 'PaymentFailed',
            data: {
              paymentId: PAYMENT_ID,
              failureCode: 'insufficient_funds',
              failureMessage: 'Your card has insufficient funds.',
            },
          },
        ]);
    });

    it('fails with processor_error on a processor error', () => {
      given([created()])
        .when({
          type: 'RecordProcessorOutcome',
          data: {
            outcome: 'error',
            processor: 'simulated-a',
            message: 'An error occurred at the processor.',
          },
        })
        .then([
          {
            type: 'PaymentFailed',
            data: {
              paymentId: PAYMENT_ID,
              failureCode: 'processor_error',
              failureMessage: 'An error occurred at the processor.',
            },
          },
        ]);
    });

    it('rejects a second outcome once the payment was authorized', () => {
      given([created(), authorized]).when(authorizedOutcome).thenRejected('invalid_state_transition');
    });

    it('rejects an outcome after a risk decline', () => {
      given([created(), failed]).when(authorizedOutcome).thenRejected('invalid_state_transition');
    });
  });

  describe('Capture', () => {
    it('captures the full authorized amount at the same processor reference', () => {
      given([created(), authorized]).when(capture).then([captured]);
    });

    it('rejects a capture before authorization', () => {
      given([created()]).when(capture).thenRejected('invalid_state_transition');
    });

    it('rejects a second capture', () => {
      given([created(), authorized, captured]).when(capture).thenRejected('invalid_state_transition');
    });

    it('rejects a capture of an unknown payment', () => {
      given([]).when(capture).thenRejected('payment_not_found');
    });
  });

  describe('evolve', () => {
    it('walks the automatic-capture path with one version per event', () => {
      const states = [created(), authorized, captured].reduce(
        (acc, event) => [...acc, evolve(acc[acc.length - 1] ?? NO_PAYMENT, event)],
        [NO_PAYMENT] as ReturnType<typeof evolve>[],
      );
      expect(states.map((state) => [state.status, state.version])).toEqual([
        ['absent', 0],
        ['processing', 1],
        ['requires_capture', 2],
        ['succeeded', 3],
      ]);
      const last = states[3];
      if (last === undefined || last.status === 'absent') throw new Error('no payment');
      expect(last.amountCapturedMinor).toBe(10_000n);
      expect(last.processorReference).toBe('sim_a_0123456789abcdef');
    });

    it('records the failure code and message', () => {
      const state = replay([created(), failed]);
      expect(state).toMatchObject({ status: 'failed', version: 2, failureCode: 'card_declined' });
    });

    it('throws on a history that skips creation or breaks the transition table', () => {
      expect(() => replay([authorized])).toThrow(PaymentHistoryError);
      expect(() => replay([created(), captured])).toThrow(PaymentHistoryError);
      expect(() => replay([created(), failed, authorized])).toThrow(PaymentHistoryError);
      expect(() => replay([created(), created()])).toThrow(PaymentHistoryError);
    });
  });

  describe('transition table', () => {
    it('has no way out of a terminal status', () => {
      expect(ALLOWED_TRANSITIONS.succeeded).toEqual([]);
      expect(ALLOWED_TRANSITIONS.failed).toEqual([]);
      expect(ALLOWED_TRANSITIONS.canceled).toEqual([]);
    });

    it('only names known statuses', () => {
      for (const targets of Object.values(ALLOWED_TRANSITIONS)) {
        for (const target of targets) expect(PAYMENT_STATUSES).toContain(target);
      }
    });

    it('never emits an event that evolve refuses, from any reachable state and any command', () => {
      const histories: PaymentEvent[][] = [
        [],
        [created()],
        [created(), authorized],
        [created(), authorized, captured],
        [created(), failed],
      ];
      const commands: PaymentCommand[] = [
        create(),
        approve,
        review,
        declineByRisk,
        authorizedOutcome,
        capture,
      ];
      for (const history of histories) {
        for (const command of commands) {
          const state = replay(history);
          const result = decide(command, state);
          if (isRejection(result)) continue;
          expect(() => replay(result, state)).not.toThrow();
        }
      }
    });
  });
});
