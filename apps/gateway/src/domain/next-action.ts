import type { EventData } from '@platform/contracts';

/**
 * What the customer must do while a payment is in requires_action. The read model keeps the
 * payments service's words (the contract's action and its expiry); the API shows it the way
 * Stripe's next_action does: a `type`, and the details under a key of the same name.
 */

export type StoredNextAction = EventData<'payment.requires_action'>['action'] & {
  readonly expiresAt: string;
};

export type NextActionResource =
  | {
      readonly type: 'use_3d_secure';
      readonly use_3d_secure: { readonly challenge_id: string; readonly expires_at: number };
    }
  | {
      readonly type: 'display_qr_code';
      readonly display_qr_code: { readonly data: string; readonly expires_at: number };
    }
  | {
      readonly type: 'display_bank_transfer_instructions';
      readonly display_bank_transfer_instructions: {
        readonly reference: string;
        readonly amount_remaining: number;
        readonly currency: string;
        readonly expires_at: number;
      };
    };

export function storedNextAction(
  action: EventData<'payment.requires_action'>['action'],
  expiresAt: string,
): StoredNextAction {
  return { ...action, expiresAt };
}

/** The API's next_action; `amountMinor` and `currency` are what the customer still has to transfer. */
export function nextActionResource(
  action: StoredNextAction,
  amountMinor: number,
  currency: string,
): NextActionResource {
  const expiresAt = Math.floor(new Date(action.expiresAt).getTime() / 1000);
  switch (action.type) {
    case 'three_d_secure':
      return {
        type: 'use_3d_secure',
        use_3d_secure: { challenge_id: action.challengeId, expires_at: expiresAt },
      };
    case 'qr_code':
      return { type: 'display_qr_code', display_qr_code: { data: action.qrPayload, expires_at: expiresAt } };
    case 'bank_transfer':
      return {
        type: 'display_bank_transfer_instructions',
        display_bank_transfer_instructions: {
          reference: action.virtualAccountReference,
          amount_remaining: amountMinor,
          currency: currency.toLowerCase(),
          expires_at: expiresAt,
        },
      };
  }
}
