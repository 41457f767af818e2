import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { createEvent } from '@platform/contracts';
import { appendToOutbox } from '@platform/db';
import { isKnownCurrency } from '@platform/money';
import { ApiError } from '@platform/service-runtime';
import { BalanceRepository } from '../balance/balance.repository';
import { CommandOutcomes } from '../command-outcomes/command-outcome.service';
import { CommandOutcomesRepository } from '../command-outcomes/command-outcomes.repository';
import { newPayoutId } from '../domain/random-identifiers';
import { GATEWAY_CONFIG, type GatewayConfig } from '../gateway-config';
import { recoveredPoint } from '../idempotency/idempotency-claim-context';
import { IdempotencyKeysRepository } from '../idempotency/idempotency-keys.repository';
import type { MerchantEntity } from '../merchants/merchant.entity';
import { ReadModelSignals } from '../read-model/read-model-signals';
import { readUntilCommandSettled } from '../read-model/settle-wait';
import type { CreatePayoutDto } from './create-payout.dto';
import type { PayoutEntity } from './payout.entity';
import { PayoutsRepository } from './payouts.repository';

/**
 * A payout of the merchant's available balance: refused early when the read model shows too
 * little available; the ledger reserves the funds or rejects the payout.
 */
@Injectable()
export class CreatePayoutService {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly payouts: PayoutsRepository,
    private readonly balances: BalanceRepository,
    private readonly outcomes: CommandOutcomesRepository,
    private readonly commandOutcomes: CommandOutcomes,
    private readonly idempotency: IdempotencyKeysRepository,
    private readonly signals: ReadModelSignals,
  ) {}

  async create(
    merchant: MerchantEntity,
    request: CreatePayoutDto,
    correlationId: string,
  ): Promise<PayoutEntity> {
    const currency = request.currency.toUpperCase();
    if (!isKnownCurrency(currency)) {
      throw new ApiError(400, 'invalid_request_error', 'parameter_invalid', 'Unknown currency.', 'currency');
    }
    const resumed = recoveredPoint('payout');
    if (resumed !== null) return this.waitFor(merchant.id, resumed.payoutId, resumed.commandId);
    const payoutId = newPayoutId();
    const amountMinor = BigInt(request.amount);
    const commandId = await this.dataSource.transaction(async (manager) => {
      const sequence = await this.payouts.lockMerchantForPayout(manager, merchant.id);
      const balance = (await this.balances.forMerchant(merchant.id)).find((row) => row.currency === currency);
      // An early answer for the plain case; the ledger's reservation is the real check (two quick
      // payouts may both pass here, and the ledger then rejects the second: payout.failed).
      const availableMinor = balance?.availableMinor ?? 0n;
      if (amountMinor > availableMinor) {
        throw new ApiError(
          400,
          'invalid_request_error',
          'balance_insufficient',
          `The payout (${amountMinor}) exceeds the available ${currency.toLowerCase()} balance (${availableMinor}).`,
          'amount',
        );
      }
      const command = createEvent(
        'payout.create',
        { payoutId, merchantId: merchant.id, amountMinor: amountMinor.toString(), currency },
        {
          aggregateId: merchant.id,
          aggregateSequence: sequence,
          merchantId: merchant.id,
          correlationId,
          causationId: null,
        },
      );
      await this.payouts.insert(manager, {
        id: payoutId,
        merchantId: merchant.id,
        amountMinor: amountMinor.toString(),
        currency,
        status: 'pending',
        failureCode: null,
        commandId: command.id,
      });
      await appendToOutbox(manager, [command]);
      await this.outcomes.recordSent(manager, { ...command, paymentId: null });
      await this.idempotency.recordRecoveryPoint(manager, {
        kind: 'payout',
        payoutId,
        commandId: command.id,
      });
      return command.id;
    });
    return this.waitFor(merchant.id, payoutId, commandId);
  }

  private waitFor(merchantId: string, payoutId: string, commandId: string): Promise<PayoutEntity> {
    return this.signals.whileWatching([payoutId, commandId], (changed) =>
      readUntilCommandSettled(
        async () => {
          const payout = await this.payouts.findForMerchant(merchantId, payoutId);
          if (payout === null) throw new Error(`payout ${payoutId} vanished after it was committed`);
          return payout;
        },
        // Applied with payout.requested; paid or failed follows once the ledger answers.
        this.commandOutcomes.of(merchantId, commandId),
        this.config.PAYMENT_SETTLE_WAIT_MS,
        (payout) => payout.status !== 'pending',
        changed,
      ),
    );
  }
}
