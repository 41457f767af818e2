import type { PaymentMethodType, PendingAction, ProcessorOutcome } from '../domain/payment';
import {
  idempotencyKeys,
  type AuthorizationResult,
  type PaymentMethodForProcessor,
} from '../processors/processor-connector';
import type { PaymentsConfig } from '../payments-config';
import type { StoredPaymentMethod } from './payment.entity';

/** Translations between the payment lifecycle and the processor connectors: what is asked, what came back. */

export function toProcessorOutcome(
  result: AuthorizationResult,
  processor: string,
  actionExpiresAt: Date,
): ProcessorOutcome {
  switch (result.outcome) {
    case 'authorized':
      return { outcome: 'authorized', processor, processorReference: result.processorReference };
    case 'requires_action':
      return {
        outcome: 'requires_action',
        processor,
        action: { ...result.action, expiresAt: actionExpiresAt.toISOString() },
      };
    case 'declined':
      return { outcome: 'declined', processor, declineCode: result.declineCode, message: result.message };
    case 'error':
      return { outcome: 'error', processor, failureCode: result.code, message: result.message };
  }
}

/** What a processor is told of the payment method: never a card number, only display data. */
export function methodForProcessor(method: StoredPaymentMethod): PaymentMethodForProcessor {
  switch (method.type) {
    case 'card':
      return { type: 'card', bin: method.card.bin, last4: method.card.last4, brand: method.card.brand };
    case 'bank_transfer':
      return { type: 'bank_transfer', country: method.bankTransfer.country };
    case 'wallet':
      return { type: 'wallet', provider: method.wallet.provider };
  }
}

/** How long the customer has for the action each method asks for. */
export function actionLifetimeSeconds(config: PaymentsConfig, method: PaymentMethodType): number {
  switch (method) {
    case 'card':
      return config.ACTION_EXPIRY_SECONDS;
    case 'bank_transfer':
      return config.BANK_TRANSFER_EXPIRY_SECONDS;
    case 'wallet':
      return config.QR_EXPIRY_SECONDS;
  }
}

/** The idempotency key and completed-action id of the authorization made after the customer acted. */
export function afterAction(
  paymentId: string,
  action: PendingAction,
): { key: string; completedActionId: string } {
  switch (action.type) {
    case 'three_d_secure':
      return { key: idempotencyKeys.authenticated(paymentId), completedActionId: action.challengeId };
    case 'qr_code':
      return { key: idempotencyKeys.completed(paymentId, action.type), completedActionId: action.qrPayload };
    case 'bank_transfer':
      return {
        key: idempotencyKeys.completed(paymentId, action.type),
        completedActionId: action.virtualAccountReference,
      };
  }
}
