import { randomUUID } from 'node:crypto';
import { createEvent } from '@platform/contracts';
import { commandOutcomeOf } from './command-outcome';

const PAYMENT = 'pay_outcomespec0000000001';
const MERCHANT = 'mer_outcomespec000001';

function metadata(causationId: string | null) {
  return {
    aggregateId: PAYMENT,
    aggregateSequence: 2,
    merchantId: MERCHANT,
    correlationId: randomUUID(),
    causationId,
  };
}

const canceled = (causationId: string | null) =>
  createEvent(
    'payment.canceled',
    { paymentId: PAYMENT, reason: 'requested_by_customer', releasedAmountMinor: '100', currency: 'USD' },
    metadata(causationId),
  );

describe('commandOutcomeOf', () => {
  it('takes an event for the effect of the command that caused it', () => {
    const command = randomUUID();
    expect(commandOutcomeOf(canceled(command))).toEqual({
      outcome: 'applied',
      commandId: command,
      eventType: 'payment.canceled',
    });
    const requested = createEvent(
      'payout.requested',
      { payoutId: 'po_outcomespec00000001', merchantId: MERCHANT, amountMinor: '700', currency: 'USD' },
      { ...metadata(command), aggregateId: MERCHANT },
    );
    expect(commandOutcomeOf(requested)).toMatchObject({ outcome: 'applied', eventType: 'payout.requested' });
  });

  it('takes payment.command_rejected for the refusal of the command it names', () => {
    const command = randomUUID();
    const rejection = createEvent(
      'payment.command_rejected',
      {
        commandId: command,
        commandType: 'payment.capture',
        paymentId: PAYMENT,
        code: 'invalid_state_transition',
        message: 'cannot Capture a payment in status canceled',
      },
      metadata(command),
    );
    expect(commandOutcomeOf(rejection)).toEqual({
      outcome: 'rejected',
      commandId: command,
      eventType: 'payment.command_rejected',
      commandType: 'payment.capture',
      paymentId: PAYMENT,
      code: 'invalid_state_transition',
      message: 'cannot Capture a payment in status canceled',
    });
  });

  it('names no command for an event caused by nothing, or by something that is no command id', () => {
    expect(commandOutcomeOf(canceled(null))).toBeNull();
    expect(commandOutcomeOf(canceled('expiry-job'))).toBeNull();
  });

  it('takes no settlement report for a command’s effect', () => {
    const report = { ...canceled(randomUUID()), type: 'settlement.reported' } as unknown as Parameters<
      typeof commandOutcomeOf
    >[0];
    expect(commandOutcomeOf(report)).toBeNull();
  });
});
