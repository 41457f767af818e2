import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiKeyGuard, CurrentMerchant } from '../auth/api-key.guard';
import type { MerchantEntity } from '../merchants/merchant.entity';
import { minorUnitsAsJsonNumber } from '../read-model/payment-resource';
import { BalanceRepository } from './balance.repository';
import { Documented } from '../openapi/documented';
import { BALANCE_SCHEMA } from '../openapi/schemas';

export interface BalanceAmount {
  readonly amount: number;
  readonly currency: string;
}

export interface BalanceResource {
  readonly object: 'balance';
  readonly available: BalanceAmount[];
  readonly pending: BalanceAmount[];
  readonly livemode: false;
}

@Controller('v1/balance')
@UseGuards(ApiKeyGuard)
export class BalanceController {
  constructor(private readonly balances: BalanceRepository) {}

  @Documented({
    summary: 'Pending and available balance per currency, from the ledger',
    status: 200,
    response: BALANCE_SCHEMA,
  })
  @Get()
  async retrieve(@CurrentMerchant() merchant: MerchantEntity): Promise<BalanceResource> {
    const rows = await this.balances.forMerchant(merchant.id);
    const amount = (minor: bigint, currency: string): BalanceAmount => ({
      amount: minorUnitsAsJsonNumber(minor.toString()),
      currency: currency.toLowerCase(),
    });
    return {
      object: 'balance',
      available: rows.map((row) => amount(row.availableMinor, row.currency)),
      pending: rows.map((row) => amount(row.pendingMinor, row.currency)),
      livemode: false,
    };
  }
}
