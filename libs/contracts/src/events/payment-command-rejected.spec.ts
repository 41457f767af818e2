import { randomUUID } from 'node:crypto';
import { ContractViolationError, createEvent, topicOf } from '../event-envelope';
import { TOPICS } from '../topics';

const commandId = randomUUID();
const metadata = {
  aggregateId: 'pay_0123456789abcdefghijklmn',
  aggregateSequence: 3,
  merchantId: 'mer_0123456789abcdef',
  correlationId: randomUUID(),
  causationId: commandId,
};
const data = {
  commandId,
  commandType: 'payment.capture',
  paymentId: 'pay_0123456789abcdefghijklmn',
  code: 'invalid_state_transition',
  message: 'cannot Capture a payment in status canceled',
} as const;

describe('payment.command_rejected', () => {
  it('travels on payments.events', () => {
    const event = createEvent('payment.command_rejected', data, metadata);
    expect(topicOf(event.type)).toBe(TOPICS.paymentsEvents.name);
    expect(event).toMatchObject({ type: 'payment.command_rejected', causationId: commandId, data });
  });

  it('names no payment for a payout.create', () => {
    const { paymentId: _omitted, ...rest } = data;
    const event = createEvent(
      'payment.command_rejected',
      { ...rest, commandType: 'payout.create' },
      metadata,
    );
    expect(event.data.paymentId).toBeUndefined();
  });

  it.each([
    ['a command id that is not a uuid', { commandId: 'cmd_1' }],
    ['a type that is no client command', { commandType: 'risk.assessed' }],
    ['a code that is not snake_case', { code: 'Invalid State!' }],
    ['a code beyond 64 characters', { code: 'x'.repeat(65) }],
    ['a message beyond 500 characters', { message: 'x'.repeat(501) }],
    ['a field the contract does not know', { cardNumber: '4242424242424242' }],
  ])('refuses %s', (_what, change) => {
    expect(() =>
      createEvent('payment.command_rejected', { ...data, ...change } as typeof data, metadata),
    ).toThrow(ContractViolationError);
  });
});
