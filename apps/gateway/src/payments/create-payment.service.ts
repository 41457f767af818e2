import { Inject, Injectable } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { createEvent } from '@platform/contracts';
import { appendToOutbox } from '@platform/db';
import { ApiError } from '@platform/service-runtime';
import { checkCard } from '../domain/card-checks';
import { acceptedPaymentView, isSettled } from '../domain/payment-view';
import { newPaymentId } from '../domain/random-identifiers';
import { GATEWAY_CONFIG, type GatewayConfig } from '../gateway-config';
import type { MerchantEntity } from '../merchants/merchant.entity';
import { CardVault } from '../vault/card-vault.service';
import type { CreatePaymentDto } from './create-payment.dto';
import type { PaymentCustomer, PaymentEntity } from './payment.entity';
import { PaymentsRepository } from './payments.repository';

/** How often a create request re-reads the read model while it waits for the payment to settle. */
const SETTLE_POLL_INTERVAL_MS = 50;

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
  ) {}

  async create(
    merchant: MerchantEntity,
    request: CreatePaymentDto,
    correlationId: string,
  ): Promise<PaymentEntity> {
    const { card: cardInput } = request.payment_method;
    const checked = checkCard(
      {
        number: cardInput.number,
        expMonth: cardInput.exp_month,
        expYear: cardInput.exp_year,
        cvc: cardInput.cvc,
      },
      new Date(),
    );
    if (!checked.ok) {
      const { code, field, message } = checked.problem;
      throw new ApiError(402, 'card_error', code, message, `payment_method[card][${field}]`);
    }
    const { card } = checked;
    const paymentId = newPaymentId();
    const currency = request.currency.toUpperCase();
    const captureMethod = request.capture_method ?? 'automatic';
    const customer = customerOf(request);
    const metadata = request.metadata ?? {};
    const view = acceptedPaymentView(captureMethod);

    await this.dataSource.transaction(async (manager) => {
      const vaulted = await this.vault.tokenize(manager, merchant.id, card.number);
      await this.payments.insert(manager, {
        id: paymentId,
        merchantId: merchant.id,
        amountMinor: BigInt(request.amount).toString(),
        currency,
        status: view.status,
        captureMethod,
        amountCapturedMinor: view.amountCapturedMinor.toString(),
        cardToken: vaulted.token,
        cardBrand: card.brand,
        cardLast4: card.last4,
        cardExpMonth: card.expMonth,
        cardExpYear: card.expYear,
        cardFingerprint: vaulted.fingerprint,
        customer,
        description: request.description ?? null,
        metadata,
        failureCode: view.failureCode,
        failureMessage: view.failureMessage,
        correlationId,
        lastEventSequence: view.lastEventSequence,
      });
      const command = createEvent(
        'payment.create',
        {
          paymentId,
          merchantId: merchant.id,
          amountMinor: BigInt(request.amount).toString(),
          currency,
          captureMethod,
          paymentMethod: {
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
          },
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
    });
    return this.waitUntilSettled(merchant.id, paymentId);
  }

  /**
   * Re-reads the read model until the payment settles or PAYMENT_SETTLE_WAIT_MS runs out, then
   * answers with whatever state it has. It reads the database, so any gateway instance may have
   * applied the events.
   */
  private async waitUntilSettled(merchantId: string, paymentId: string): Promise<PaymentEntity> {
    const deadline = Date.now() + this.config.PAYMENT_SETTLE_WAIT_MS;
    for (;;) {
      const payment = await this.payments.findForMerchant(merchantId, paymentId);
      if (payment === null) throw new Error(`payment ${paymentId} vanished after it was committed`);
      const remainingMs = deadline - Date.now();
      if (isSettled(payment.status) || remainingMs <= 0) return payment;
      await sleep(Math.min(SETTLE_POLL_INTERVAL_MS, remainingMs));
    }
  }
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
