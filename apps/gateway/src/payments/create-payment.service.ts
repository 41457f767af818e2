import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { createEvent, type EventData } from '@platform/contracts';
import { appendToOutbox } from '@platform/db';
import { ApiError } from '@platform/service-runtime';
import { checkCard, type CheckedCard } from '../domain/card-checks';
import { acceptedPaymentView, isSettled } from '../domain/payment-view';
import { newPaymentId } from '../domain/random-identifiers';
import { GATEWAY_CONFIG, type GatewayConfig } from '../gateway-config';
import { recoveredPoint } from '../idempotency/idempotency-claim-context';
import { IdempotencyKeysRepository } from '../idempotency/idempotency-keys.repository';
import type { MerchantEntity } from '../merchants/merchant.entity';
import { CardVault } from '../vault/card-vault.service';
import { CommandOutcomesRepository } from '../command-outcomes/command-outcomes.repository';
import {
  paymentMethodProblem,
  type CardDetailsDto,
  type CreatePaymentDto,
} from '../requests/create-payment.dto';
import type { PaymentCustomer, PaymentEntity } from '../read-model/payment.entity';
import { PaymentsRepository } from '../read-model/payments.repository';
import { ReadModelSignals } from '../read-model/read-model-signals';
import { readUntilSettled } from '../read-model/settle-wait';

/**
 * Accepts a payment: checks the card, vaults it, records the payment as processing and sends
 * payments.commands a payment.create, all in one transaction; then waits (bounded) for it to settle.
 */
@Injectable()
export class CreatePaymentService {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly vault: CardVault,
    private readonly payments: PaymentsRepository,
    private readonly idempotency: IdempotencyKeysRepository,
    private readonly outcomes: CommandOutcomesRepository,
    private readonly signals: ReadModelSignals,
  ) {}

  async create(
    merchant: MerchantEntity,
    request: CreatePaymentDto,
    correlationId: string,
  ): Promise<PaymentEntity> {
    // A retry that took over the key of a request that died after writing: answer from its payment.
    const resumed = recoveredPoint('payment');
    if (resumed !== null) return this.waitUntilSettled(merchant.id, resumed.paymentId);
    const method = request.payment_method;
    const problem = paymentMethodProblem(method);
    if (problem !== null) {
      throw new ApiError(400, 'invalid_request_error', 'parameter_invalid', problem.message, problem.param);
    }
    if (!this.config.PAYMENT_METHODS_ENABLED.has(method.type)) {
      throw new ApiError(
        400,
        'invalid_request_error',
        'payment_method_unavailable',
        `Payments with payment_method[type] ${method.type} are not available yet.`,
        'payment_method[type]',
      );
    }
    // As at Stripe, only cards authorize now and capture later; transfers and wallets are charged at once.
    if (method.type !== 'card' && request.capture_method === 'manual') {
      throw new ApiError(
        400,
        'invalid_request_error',
        'parameter_invalid',
        `capture_method manual is only available for cards, not for payment_method[type] ${method.type}.`,
        'capture_method',
      );
    }
    const card = method.type === 'card' ? this.checkedCard(method.card) : null;
    const paymentId = newPaymentId();
    const currency = request.currency.toUpperCase();
    const settlementCurrency =
      merchant.settlementCurrency !== null && merchant.settlementCurrency !== currency
        ? merchant.settlementCurrency
        : null;
    const captureMethod = request.capture_method ?? 'automatic';
    const customer = customerOf(request);
    const metadata = request.metadata ?? {};
    const view = acceptedPaymentView(captureMethod);

    await this.dataSource.transaction(async (manager) => {
      const vaulted = card === null ? null : await this.vault.tokenize(manager, merchant.id, card.number);
      const details: Record<string, string> | null =
        method.type === 'bank_transfer' && method.bank_transfer !== undefined
          ? { country: method.bank_transfer.country }
          : method.type === 'wallet' && method.wallet !== undefined
            ? { provider: method.wallet.provider }
            : null;
      await this.payments.insert(manager, {
        id: paymentId,
        merchantId: merchant.id,
        amountMinor: BigInt(request.amount).toString(),
        currency,
        status: view.status,
        captureMethod,
        amountCapturedMinor: view.amountCapturedMinor.toString(),
        amountRefundedMinor: '0',
        commandsSent: 1,
        paymentMethodType: method.type,
        paymentMethodDetails: details,
        nextAction: null,
        fxSettlementCurrency: null,
        fxRate: null,
        fxRateVersion: null,
        fxAuthorizedSettlementMinor: null,
        fxCapturedSettlementMinor: '0',
        cardToken: vaulted?.token ?? null,
        cardBrand: card?.brand ?? null,
        cardLast4: card?.last4 ?? null,
        cardExpMonth: card?.expMonth ?? null,
        cardExpYear: card?.expYear ?? null,
        cardFingerprint: vaulted?.fingerprint ?? null,
        customer,
        description: request.description ?? null,
        metadata,
        failureCode: view.failureCode,
        cancellationReason: view.cancellationReason,
        review: view.review,
        failureMessage: view.failureMessage,
        correlationId,
        lastEventSequence: view.lastEventSequence,
      });
      const paymentMethod: EventData<'payment.create'>['paymentMethod'] =
        card !== null && vaulted !== null
          ? {
              type: 'card',
              card: {
                token: vaulted.token,
                brand: card.brand,
                bin: card.bin,
                last4: card.last4,
                expMonth: card.expMonth,
                expYear: card.expYear,
                fingerprint: vaulted.fingerprint,
              },
            }
          : method.type === 'wallet' && method.wallet !== undefined
            ? { type: 'wallet', wallet: { provider: method.wallet.provider } }
            : { type: 'bank_transfer', bankTransfer: { country: method.bank_transfer?.country ?? '' } };
      const command = createEvent(
        'payment.create',
        {
          paymentId,
          merchantId: merchant.id,
          amountMinor: BigInt(request.amount).toString(),
          currency,
          ...(settlementCurrency === null ? {} : { settlementCurrency }),
          captureMethod,
          paymentMethod,
          ...(customer === null ? {} : { customer }),
          ...(request.description == null ? {} : { description: request.description }),
          metadata,
        },
        {
          aggregateId: paymentId,
          aggregateSequence: 1,
          merchantId: merchant.id,
          correlationId,
          causationId: null,
        },
      );
      await appendToOutbox(manager, [command]);
      // Pending until payments answers: sent again if it never does (see CommandRedelivery).
      await this.outcomes.recordSent(manager, { ...command, paymentId });
      await this.idempotency.recordRecoveryPoint(manager, { kind: 'payment', paymentId });
    });
    return this.waitUntilSettled(merchant.id, paymentId);
  }

  /** The card's checks (Luhn, expiry, CVC) as a 402 card_error, before anything is written. */
  private checkedCard(input: CardDetailsDto | undefined): CheckedCard {
    if (input === undefined) throw new Error('card details missing after the payment method check');
    const checked = checkCard(
      { number: input.number, expMonth: input.exp_month, expYear: input.exp_year, cvc: input.cvc },
      new Date(),
    );
    if (!checked.ok) {
      const { code, field, message } = checked.problem;
      throw new ApiError(402, 'card_error', code, message, `payment_method[card][${field}]`);
    }
    return checked.card;
  }

  /**
   * Re-reads the read model until the payment settles or PAYMENT_SETTLE_WAIT_MS runs out, then
   * answers with whatever state it has. It reads the database, so any gateway instance may have
   * applied the events.
   */
  private async waitUntilSettled(merchantId: string, paymentId: string): Promise<PaymentEntity> {
    await this.signals.whileWatching([paymentId], (changed) =>
      readUntilSettled(
        async () => {
          const status = await this.payments.statusForMerchant(merchantId, paymentId);
          if (status === null) throw vanished(paymentId);
          return status;
        },
        isSettled,
        this.config.PAYMENT_SETTLE_WAIT_MS,
        changed,
      ),
    );
    const payment = await this.payments.findForMerchant(merchantId, paymentId);
    if (payment === null) throw vanished(paymentId);
    return payment;
  }
}

function vanished(paymentId: string): Error {
  return new Error(`payment ${paymentId} vanished after it was committed`);
}

/** The customer as stored and sent on: absent fields left out, an empty customer is no customer. */
function customerOf(request: CreatePaymentDto): PaymentCustomer | null {
  const source = request.customer;
  if (source == null) return null;
  const customer: { -readonly [K in keyof PaymentCustomer]: PaymentCustomer[K] } = {};
  if (source.id != null) customer.id = source.id;
  if (source.email != null) customer.email = source.email;
  if (source.ip != null) customer.ip = source.ip;
  if (source.country != null) customer.country = source.country;
  return Object.keys(customer).length === 0 ? null : customer;
}
