/** An illegal command is a value, never a throw: the rejection names the command and the status it met. */
import type { PaymentCommand } from './commands';
import type { PaymentState } from './state';
import type { PaymentStatus } from './types';

export type RejectionCode =
  | 'payment_already_exists'
  | 'payment_not_found'
  | 'invalid_state_transition'
  | 'amount_invalid'
  | 'amount_exceeds_capturable'
  | 'dispute_exists'
  | 'dispute_not_open'
  | 'processor_reference_missing'
  | 'capture_method_unsupported'
  | 'action_required'
  | 'action_mismatch';

export interface Rejection {
  readonly kind: 'rejection';
  readonly code: RejectionCode;
  readonly message: string;
  readonly command: PaymentCommand['type'];
  readonly status: PaymentStatus | 'absent';
}

export function isRejection<T>(result: T | Rejection): result is Rejection {
  return typeof result === 'object' && result !== null && (result as { kind?: unknown }).kind === 'rejection';
}

export function reject(
  code: RejectionCode,
  command: PaymentCommand,
  state: PaymentState,
  message: string,
): Rejection {
  return { kind: 'rejection', code, message, command: command.type, status: state.status };
}

export function illegal(command: PaymentCommand, state: PaymentState): Rejection {
  return reject(
    'invalid_state_transition',
    command,
    state,
    `${command.type} is not allowed for a payment in status ${state.status}`,
  );
}
