import type { AnyEventEnvelope, EventData } from '@platform/contracts';

/**
 * What an event from payments.events says of the command that caused it. Payments sets the
 * envelope's causationId of every event a command causes to that command's id, so the first such
 * event means the command took effect ('applied'); payment.command_rejected names the command it
 * refused ('rejected'). Events caused by something else (a risk decision, a ledger answer: their
 * causationId is that event's id; an expiry: null) map the same way, but only commands the
 * gateway sent have an outcome row waiting to be decided, so for them nothing is recorded.
 */
export type CommandOutcome =
  | { readonly outcome: 'applied'; readonly commandId: string; readonly eventType: string }
  | {
      readonly outcome: 'rejected';
      readonly commandId: string;
      readonly eventType: 'payment.command_rejected';
      readonly commandType: EventData<'payment.command_rejected'>['commandType'];
      readonly paymentId: string | null;
      readonly code: string;
      readonly message: string;
    };

/** Events that are a command's effect: every change payments publishes, not its settlement reports. */
const EFFECT_EVENT_TYPES: ReadonlySet<string> = new Set([
  'payment.created',
  'payment.requires_action',
  'payment.authorized',
  'payment.captured',
  'payment.canceled',
  'payment.failed',
  'refund.succeeded',
  'refund.failed',
  'payout.requested',
  'payout.paid',
  'payout.failed',
  'dispute.opened',
  'dispute.closed',
] satisfies AnyEventEnvelope['type'][]);

/** Command ids are envelope ids, UUIDs; a causation that is not one names no command of the gateway. */
const COMMAND_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function commandOutcomeOf(event: AnyEventEnvelope): CommandOutcome | null {
  if (event.type === 'payment.command_rejected') {
    const { data } = event;
    return {
      outcome: 'rejected',
      commandId: data.commandId,
      eventType: event.type,
      commandType: data.commandType,
      paymentId: data.paymentId ?? null,
      code: data.code,
      message: data.message,
    };
  }
  const cause = event.causationId;
  if (cause === null || !COMMAND_ID_PATTERN.test(cause) || !EFFECT_EVENT_TYPES.has(event.type)) return null;
  return { outcome: 'applied', commandId: cause, eventType: event.type };
}

/** A command's outcome as stored: pending from the moment it is sent until an event decides it. */
export type StoredOutcome = 'pending' | 'applied' | 'rejected';
