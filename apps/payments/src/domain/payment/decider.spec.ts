import {
  ALLOWED_TRANSITIONS,
  NO_PAYMENT,
  PAYMENT_STATUSES,
  PaymentHistoryError,
  ACTION_EXPIRED_MESSAGE,
  AUTHENTICATION_FAILED_MESSAGE,
  RISK_DECLINED_MESSAGE,
  decide,
  evolve,
  handleCommand,
  isRejection,
  replay,
  type CreatePayment,
  type PaymentCommand,
  type PaymentEvent,
  type PaymentState,
  type RejectionCode,
} from '.';

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
const CAPTURE_ID = 'cap_AbCdEfGhIjKlMnOpQrStUvWx';
const captured: PaymentEvent = {
  type: 'PaymentCaptured',
  data: { ...authorizedData, captureId: CAPTURE_ID, final: true },
};
const partiallyCaptured = (amountMinor: bigint, final: boolean, captureId = CAPTURE_ID): PaymentEvent => ({
  type: 'PaymentCaptured',
  data: { ...authorizedData, amountMinor, captureId, final },
});
const challenge = {
  type: 'three_d_secure' as const,
  challengeId: '3ds_abc',
  expiresAt: '2030-01-01T00:00:00.000Z',
};
const requiresAction: PaymentEvent = {
  type: 'PaymentRequiresAction',
  data: { paymentId: PAYMENT_ID, processor: 'simulated-a', action: challenge },
};
const refunded = (refundId: string, amountMinor: bigint): PaymentEvent => ({
  type: 'RefundSucceeded',
  data: {
    refundId,
    paymentId: PAYMENT_ID,
    amountMinor,
    currency: 'USD',
    paymentMethodType: 'card',
    processor: 'simulated-a',
  },
});
const refund = (
  refundId: string,
  amountMinor: bigint,
  outcome: 'succeeded' | 'processor_error' = 'succeeded',
): PaymentCommand => ({
  type: 'RecordRefund',
  data: { refundId, amountMinor, outcome },
});
const refundFailed = (refundId: string, amountMinor: bigint, failureCode: string): PaymentEvent =>
  ({
    type: 'RefundFailed',
    data: { refundId, paymentId: PAYMENT_ID, amountMinor, currency: 'USD', failureCode },
  }) as PaymentEvent;
const failed: PaymentEvent = {
  type: 'PaymentFailed',
  data: { paymentId: PAYMENT_ID, failureCode: 'card_declined', failureMessage: 'Your card was declined.' },
};

const cancelEvent: PaymentEvent = {
  type: 'PaymentCanceled',
  data: {
    paymentId: PAYMENT_ID,
    reason: 'requested_by_customer',
    releasedAmountMinor: 10_000n,
    currency: 'USD',
  },
};

const REVIEW_ID = 'rev_AbCdEfGhIjKlMnOpQrStUvWx';
const reviewOpened: PaymentEvent = {
  type: 'PaymentReviewOpened',
  data: {
    paymentId: PAYMENT_ID,
    reviewId: REVIEW_ID,
    score: 60,
    reasons: ['amount_above:global-high-amount'],
  },
};
const reviewClosed = (outcome: 'approved' | 'declined'): PaymentEvent => ({
  type: 'PaymentReviewClosed',
  data: { paymentId: PAYMENT_ID, reviewId: REVIEW_ID, outcome },
});

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
const capture: PaymentCommand = { type: 'Capture', data: { captureId: CAPTURE_ID, final: true } };
const cancel: PaymentCommand = { type: 'Cancel', data: { reason: 'requested_by_customer' } };
const expire: PaymentCommand = { type: 'Expire', data: {} };
const approveAction: PaymentCommand = { type: 'ResolveAction', data: { outcome: 'approved' } };
const declineAction: PaymentCommand = { type: 'ResolveAction', data: { outcome: 'declined' } };
const actionOutcome: PaymentCommand = {
  type: 'RecordProcessorOutcome',
  data: { outcome: 'requires_action', processor: 'simulated-a', action: challenge },
};

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

    it('opens a review on review: the payment stays processing, under review', () => {
      given([created()]).when(review).then([reviewOpened]);
      const result = handleCommand(review, replay([created()]));
      if (isRejection(result)) throw new Error(result.message);
      expect(result.state).toMatchObject({ status: 'processing', version: 2, underReview: true });
    });

    it('opens one review only: a second review verdict emits nothing', () => {
      given([created(), reviewOpened]).when(review).then([]);
    });

    it('closes the review approved before the processor is asked', () => {
      given([created(), reviewOpened])
        .when(approve)
        .then([reviewClosed('approved')]);
      const state = replay([created(), reviewOpened, reviewClosed('approved')]);
      expect(state).toMatchObject({ status: 'processing', underReview: false, version: 3 });
    });

    it('closes the review declined, then fails the payment with risk_declined', () => {
      given([created(), reviewOpened])
        .when(declineByRisk)
        .then([
          reviewClosed('declined'),
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

    it('does not time a reviewed payment out: it waits for the analyst', () => {
      given([created(), reviewOpened])
        .when({ type: 'TimeOutRiskAssessment', data: { policy: 'closed' } })
        .thenRejected('invalid_state_transition');
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
              processor: 'simulated-a',
            },
          },
        ]);
    });

    it('fails with the error code of the last processor tried', () => {
      given([created()])
        .when({
          type: 'RecordProcessorOutcome',
          data: {
            outcome: 'error',
            processor: 'simulated-b',
            failureCode: 'processor_timeout',
            message: 'simulated-b did not answer.',
          },
        })
        .then([
          {
            type: 'PaymentFailed',
            data: {
              paymentId: PAYMENT_ID,
              failureCode: 'processor_timeout',
              failureMessage: 'simulated-b did not answer.',
              processor: 'simulated-b',
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

    it('captures part of the authorization and ends the payment when final', () => {
      given([created(), authorized])
        .when({ type: 'Capture', data: { captureId: CAPTURE_ID, amountMinor: 2_500n, final: true } })
        .then([partiallyCaptured(2_500n, true)]);
      const state = replay([created(), authorized, partiallyCaptured(2_500n, true)]);
      expect(state).toMatchObject({ status: 'succeeded', amountCapturedMinor: 2_500n, captureCount: 1 });
    });

    it('takes several non-final captures, then ends when everything left is captured', () => {
      const first = partiallyCaptured(3_000n, false, 'cap_first0001');
      given([created(), authorized, first])
        .when({ type: 'Capture', data: { captureId: 'cap_second0002', amountMinor: 7_000n, final: false } })
        .then([partiallyCaptured(7_000n, true, 'cap_second0002')]);
      expect(replay([created(), authorized, first])).toMatchObject({
        status: 'requires_capture',
        amountCapturedMinor: 3_000n,
        captureCount: 1,
      });
    });

    it('rejects a capture above what is left, or of nothing', () => {
      given([created(), authorized, partiallyCaptured(3_000n, false)])
        .when({ type: 'Capture', data: { captureId: 'cap_second0002', amountMinor: 7_001n, final: true } })
        .thenRejected('amount_exceeds_capturable');
      given([created(), authorized])
        .when({ type: 'Capture', data: { captureId: CAPTURE_ID, amountMinor: 0n, final: true } })
        .thenRejected('amount_invalid');
    });
  });

  describe('Cancel and Expire', () => {
    it('cancels an uncaptured authorization and releases all of it', () => {
      given([created(), authorized])
        .when(cancel)
        .then([
          {
            type: 'PaymentCanceled',
            data: {
              paymentId: PAYMENT_ID,
              reason: 'requested_by_customer',
              releasedAmountMinor: 10_000n,
              currency: 'USD',
            },
          },
        ]);
    });

    it('releases only what a partial capture left', () => {
      given([created(), authorized, partiallyCaptured(4_000n, false)])
        .when({ type: 'Cancel', data: {} })
        .then([
          {
            type: 'PaymentCanceled',
            data: {
              paymentId: PAYMENT_ID,
              reason: 'requested_by_customer',
              releasedAmountMinor: 6_000n,
              currency: 'USD',
            },
          },
        ]);
    });

    it('ends a partly captured payment succeeded when canceled: what was taken stays taken', () => {
      const history = [created(), authorized, partiallyCaptured(4_000n, false)];
      const result = handleCommand({ type: 'Cancel', data: { reason: 'abandoned' } }, replay(history));
      if (isRejection(result)) throw new Error(result.message);
      expect(result.events).toEqual([
        {
          type: 'PaymentCanceled',
          data: { paymentId: PAYMENT_ID, reason: 'abandoned', releasedAmountMinor: 6_000n, currency: 'USD' },
        },
      ]);
      expect(result.state).toMatchObject({ status: 'succeeded', amountCapturedMinor: 4_000n });
      // Refunds stay limited to what was captured.
      given([...history, ...result.events])
        .when(refund('re_overcaptured1', 4_001n))
        .then([refundFailed('re_overcaptured1', 4_001n, 'amount_exceeds_captured')]);
      given([...history, ...result.events])
        .when(refund('re_withincapture', 4_000n))
        .then([refunded('re_withincapture', 4_000n)]);
    });

    it('expires a partly captured authorization as succeeded, releasing the rest', () => {
      const history = [created(), authorized, partiallyCaptured(4_000n, false)];
      const result = handleCommand(expire, replay(history));
      if (isRejection(result)) throw new Error(result.message);
      expect(result.events[0]).toMatchObject({
        type: 'PaymentCanceled',
        data: { reason: 'expired', releasedAmountMinor: 6_000n },
      });
      expect(result.state.status).toBe('succeeded');
    });

    it('cancels a payment waiting for 3-D Secure with nothing to release', () => {
      given([created(), requiresAction])
        .when(cancel)
        .then([
          {
            type: 'PaymentCanceled',
            data: {
              paymentId: PAYMENT_ID,
              reason: 'requested_by_customer',
              releasedAmountMinor: 0n,
              currency: 'USD',
            },
          },
        ]);
    });

    it.each<[string, PaymentEvent[]]>([
      ['processing', [created()]],
      ['succeeded', [created(), authorized, captured]],
      ['failed', [created(), failed]],
    ])('rejects a cancel of a payment %s', (_status, history) => {
      given(history).when(cancel).thenRejected('invalid_state_transition');
    });

    it('expires an authorization as a cancel with reason expired', () => {
      given([created(), authorized])
        .when(expire)
        .then([
          {
            type: 'PaymentCanceled',
            data: { paymentId: PAYMENT_ID, reason: 'expired', releasedAmountMinor: 10_000n, currency: 'USD' },
          },
        ]);
    });

    it('fails a payment whose action expired with action_expired', () => {
      given([created(), requiresAction])
        .when(expire)
        .then([
          {
            type: 'PaymentFailed',
            data: {
              paymentId: PAYMENT_ID,
              failureCode: 'action_expired',
              failureMessage: ACTION_EXPIRED_MESSAGE,
              processor: 'simulated-a',
            },
          },
        ]);
    });

    it('does not expire a payment that ended', () => {
      given([created(), authorized, captured]).when(expire).thenRejected('invalid_state_transition');
      given([created(), authorized, cancelEvent]).when(expire).thenRejected('invalid_state_transition');
    });
  });

  describe('3-D Secure', () => {
    it('waits for the customer when the processor asks for a challenge', () => {
      given([created()]).when(actionOutcome).then([requiresAction]);
      expect(replay([created(), requiresAction])).toMatchObject({
        status: 'requires_action',
        pendingAction: challenge,
        processor: 'simulated-a',
      });
    });

    it('emits nothing on approval, then accepts the authorization the processor gives', () => {
      given([created(), requiresAction]).when(approveAction).then([]);
      given([created(), requiresAction]).when(authorizedOutcome).then([authorized]);
      expect(replay([created(), requiresAction, authorized])).toMatchObject({
        status: 'requires_capture',
        pendingAction: null,
      });
    });

    it('fails with authentication_failed when the customer fails the challenge', () => {
      given([created(), requiresAction])
        .when(declineAction)
        .then([
          {
            type: 'PaymentFailed',
            data: {
              paymentId: PAYMENT_ID,
              failureCode: 'authentication_failed',
              failureMessage: AUTHENTICATION_FAILED_MESSAGE,
              processor: 'simulated-a',
            },
          },
        ]);
    });

    it('rejects a resolution when no action is pending, and a second challenge', () => {
      given([created()]).when(approveAction).thenRejected('invalid_state_transition');
      given([created(), authorized]).when(declineAction).thenRejected('invalid_state_transition');
      given([created(), requiresAction]).when(actionOutcome).thenRejected('invalid_state_transition');
    });
  });

  describe('RecordRefund', () => {
    const paid = [created(), authorized, captured];

    it('refunds part of a captured payment, several times, up to what was captured', () => {
      given(paid)
        .when(refund('re_first000001', 4_000n))
        .then([refunded('re_first000001', 4_000n)]);
      given([...paid, refunded('re_first000001', 4_000n)])
        .when(refund('re_second00002', 6_000n))
        .then([refunded('re_second00002', 6_000n)]);
      const state = replay([...paid, refunded('re_first000001', 4_000n), refunded('re_second00002', 6_000n)]);
      expect(state).toMatchObject({ status: 'succeeded', amountRefundedMinor: 10_000n });
    });

    it('fails a refund above what is left to refund with amount_exceeds_captured', () => {
      given([...paid, refunded('re_first000001', 4_000n)])
        .when(refund('re_second00002', 6_001n))
        .then([refundFailed('re_second00002', 6_001n, 'amount_exceeds_captured')]);
      given([...paid, refunded('re_first000001', 10_000n)])
        .when(refund('re_second00002', 0n))
        .then([refundFailed('re_second00002', 0n, 'amount_exceeds_captured')]);
    });

    it('fails a refund of an uncaptured payment with payment_not_captured', () => {
      given([created(), authorized])
        .when(refund('re_first000001', 1n))
        .then([refundFailed('re_first000001', 1n, 'payment_not_captured')]);
      given([created(), failed])
        .when(refund('re_first000001', 1n))
        .then([refundFailed('re_first000001', 1n, 'payment_not_captured')]);
    });

    it('records a refund the processor refused as processor_error, refunding nothing', () => {
      given(paid)
        .when(refund('re_first000001', 1_000n, 'processor_error'))
        .then([refundFailed('re_first000001', 1_000n, 'processor_error')]);
      expect(replay([...paid, refundFailed('re_first000001', 1_000n, 'processor_error')])).toMatchObject({
        amountRefundedMinor: 0n,
        status: 'succeeded',
      });
    });

    it('rejects a refund of an unknown payment', () => {
      given([]).when(refund('re_first000001', 1n)).thenRejected('payment_not_found');
    });
  });

  describe('disputes', () => {
    const paid = [created(), authorized, captured];
    const opened: PaymentEvent = {
      type: 'DisputeOpened',
      data: {
        disputeId: 'dp_dispute0001',
        paymentId: PAYMENT_ID,
        amountMinor: 6_000n,
        currency: 'USD',
        reason: 'fraudulent',
      },
    };
    const openDispute: PaymentCommand = {
      type: 'OpenDispute',
      data: { disputeId: 'dp_dispute0001', reason: 'fraudulent' },
    };

    it('opens a dispute for what was captured and not refunded', () => {
      given([...paid, refunded('re_first000001', 4_000n)])
        .when(openDispute)
        .then([opened]);
    });

    it('opens one dispute per payment, and none on an uncaptured or fully refunded payment', () => {
      given([...paid, opened])
        .when(openDispute)
        .thenRejected('dispute_exists');
      given([created(), authorized]).when(openDispute).thenRejected('invalid_state_transition');
      given([...paid, refunded('re_first000001', 10_000n)])
        .when(openDispute)
        .thenRejected('invalid_state_transition');
    });

    it('closes the open dispute once, with the outcome', () => {
      const history = [...paid, refunded('re_first000001', 4_000n), opened];
      given(history)
        .when({ type: 'CloseDispute', data: { disputeId: 'dp_dispute0001', outcome: 'lost' } })
        .then([
          {
            type: 'DisputeClosed',
            data: {
              disputeId: 'dp_dispute0001',
              paymentId: PAYMENT_ID,
              amountMinor: 6_000n,
              currency: 'USD',
              outcome: 'lost',
            },
          },
        ]);
      given(history)
        .when({ type: 'CloseDispute', data: { disputeId: 'dp_other000001', outcome: 'won' } })
        .thenRejected('dispute_not_open');
      given(paid)
        .when({ type: 'CloseDispute', data: { disputeId: 'dp_dispute0001', outcome: 'won' } })
        .thenRejected('dispute_not_open');
    });

    it('refuses a refund while the dispute is open or after it was lost, and allows it once won', () => {
      const closed = (outcome: 'won' | 'lost'): PaymentEvent => ({
        type: 'DisputeClosed',
        data: {
          disputeId: 'dp_dispute0001',
          paymentId: PAYMENT_ID,
          amountMinor: 6_000n,
          currency: 'USD',
          outcome,
        },
      });
      const history = [...paid, refunded('re_first000001', 4_000n), opened];
      given(history)
        .when(refund('re_second00002', 1_000n))
        .then([refundFailed('re_second00002', 1_000n, 'charge_disputed')]);
      given([...history, closed('lost')])
        .when(refund('re_second00002', 1_000n))
        .then([refundFailed('re_second00002', 1_000n, 'charge_disputed')]);
      given([...history, closed('won')])
        .when(refund('re_second00002', 1_000n))
        .then([refunded('re_second00002', 1_000n)]);
    });
  });

  describe('a later risk decision', () => {
    it('accepts an approve or a decline after a review, and nothing once a processor was asked', () => {
      given([created(), reviewOpened])
        .when(approve)
        .then([reviewClosed('approved')]);
      given([created()]).when(approve).then([]);
      given([created(), requiresAction]).when(approve).thenRejected('invalid_state_transition');
      given([created(), authorized]).when(declineByRisk).thenRejected('invalid_state_transition');
    });

    it('rejects a capture of an unknown payment', () => {
      given([]).when(capture).thenRejected('payment_not_found');
    });
  });

  describe('evolve', () => {
    it('walks the automatic-capture path with one version per event', () => {
      const states = [created(), authorized, captured].reduce(
        (acc, event) => [...acc, evolve(acc[acc.length - 1] ?? NO_PAYMENT, event)],
        [NO_PAYMENT] as PaymentState[],
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
        [created(), requiresAction],
        [created(), authorized, partiallyCaptured(1_000n, false)],
        [created(), authorized, cancelEvent],
        [created(), reviewOpened],
        [created(), authorized, partiallyCaptured(1_000n, false), cancelEvent],
        [created(), authorized, captured, refunded('re_first000001', 10_000n)],
      ];
      const commands: PaymentCommand[] = [
        create(),
        approve,
        review,
        declineByRisk,
        authorizedOutcome,
        actionOutcome,
        capture,
        { type: 'Capture', data: { captureId: 'cap_partial0001', amountMinor: 1_000n, final: false } },
        cancel,
        expire,
        approveAction,
        declineAction,
        refund('re_second00002', 1_000n),
        refund('re_second00002', 1_000n, 'processor_error'),
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
