import type { PaymentCommand } from './commands';
import { decide } from './decide';
import type { PaymentEvent } from './events';
import { PaymentHistoryError, evolve } from './evolve';
import { isRejection, type Rejection } from './rejections';
import type { Payment, PaymentState } from './state';

/** What an accepted command decided: its events and the payment after them. */
export interface Decision {
  readonly events: PaymentEvent[];
  readonly state: Payment;
}

/**
 * Applies a command: the events it emits and the state after them, or the rejection. An accepted
 * command always leaves a payment: either one existed, or the command created it.
 */
export function handleCommand(command: PaymentCommand, state: PaymentState): Decision | Rejection {
  const result = decide(command, state);
  if (isRejection(result)) return result;
  let next = state;
  for (const event of result) next = evolve(next, event);
  if (next.status === 'absent') {
    throw new PaymentHistoryError(`${command.type} was accepted but left no payment`);
  }
  return { events: result, state: next };
}

/** Two decisions in a row: the events of both, the state after the second. */
export function chainDecisions(first: Decision, second: Decision): Decision {
  return { state: second.state, events: [...first.events, ...second.events] };
}
