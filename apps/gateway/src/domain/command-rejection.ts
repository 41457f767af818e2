import type { EventData } from '@platform/contracts';

/** What the payments service said when it refused a command (payment.command_rejected). */
export type CommandRejection = Pick<
  EventData<'payment.command_rejected'>,
  'commandType' | 'code' | 'message'
>;

/**
 * The read-model row a refused command leaves wrong, and how it is put right: evidence that was
 * not taken reopens the dispute for evidence; a refund or payout that was never made fails. A
 * refused payment command leaves nothing to repair: the payment is as the last event left it.
 */
export type RejectionRepair = 'reopen_dispute' | 'fail_refund' | 'fail_payout' | 'none';

export function repairFor(commandType: CommandRejection['commandType']): RejectionRepair {
  switch (commandType) {
    case 'dispute.submit_evidence':
      return 'reopen_dispute';
    case 'refund.create':
      return 'fail_refund';
    case 'payout.create':
      return 'fail_payout';
    case 'payment.create':
    case 'payment.capture':
    case 'payment.cancel':
    case 'payment.resolve_action':
      return 'none';
  }
}

/** What a request says of the command it sent. */
const COMMAND_NAMES: ReadonlyMap<string, string> = new Map(
  Object.entries({
    'payment.create': 'payment',
    'payment.capture': 'capture',
    'payment.cancel': 'cancellation',
    'payment.resolve_action': 'action resolution',
    'refund.create': 'refund',
    'payout.create': 'payout',
    'dispute.submit_evidence': 'evidence',
  } satisfies Record<CommandRejection['commandType'], string>),
);

/** The API error of a refused command: 409, with the payments service's own code and reason. */
export interface RejectionProblem {
  readonly status: 409;
  readonly type: 'invalid_request_error';
  readonly code: string;
  readonly message: string;
}

/** A refusal as stored: its command type is a string read back from the database. */
export interface StoredRejection {
  readonly commandType: string;
  readonly code: string;
  readonly message: string;
}

export function rejectionProblem(rejection: StoredRejection): RejectionProblem {
  const command = COMMAND_NAMES.get(rejection.commandType) ?? 'command';
  return {
    status: 409,
    type: 'invalid_request_error',
    code: rejection.code,
    message: `The ${command} was refused: ${rejection.message}`,
  };
}
