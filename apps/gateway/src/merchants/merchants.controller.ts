import { Body, Controller, Get, HttpCode, Post, UseGuards } from '@nestjs/common';
import { bearerTokenGuard } from '@platform/service-runtime';
import { ApiKeyGuard, CurrentMerchant } from '../auth/api-key.guard';
import { apiKeyHash, apiKeyLast4 } from '../domain/credentials';
import { newApiKey, newApiKeyId, newMerchantId } from '../domain/random-identifiers';
import { CreateMerchantDto } from './create-merchant.dto';
import type { MerchantEntity } from './merchant.entity';
import { MerchantsRepository } from './merchants.repository';
import { GATEWAY_CONFIG } from '../gateway-config';
import { Documented } from '../openapi/documented';
import { CREATE_MERCHANT_SCHEMA, MERCHANT_SCHEMA } from '../openapi/schemas';

interface MerchantResource {
  readonly id: string;
  readonly object: 'merchant';
  readonly name: string;
  readonly settlement_currency: string | null;
  readonly created: number;
}

function toMerchantResource(merchant: MerchantEntity): MerchantResource {
  return {
    id: merchant.id,
    object: 'merchant',
    name: merchant.name,
    settlement_currency: merchant.settlementCurrency?.toLowerCase() ?? null,
    created: Math.floor(merchant.createdAt.getTime() / 1000),
  };
}

@Controller('v1')
export class MerchantsController {
  constructor(private readonly merchants: MerchantsRepository) {}

  /** Operators onboard a merchant; its API key is in this answer and nowhere else, ever. */
  @Documented({
    summary: 'Onboard a merchant (admin token); its API key is returned once',
    status: 201,
    body: CREATE_MERCHANT_SCHEMA,
    response: MERCHANT_SCHEMA,
    authenticated: false,
  })
  @Post('merchants')
  @HttpCode(201)
  @UseGuards(bearerTokenGuard(GATEWAY_CONFIG, 'ADMIN_TOKEN'))
  async create(@Body() body: CreateMerchantDto): Promise<MerchantResource & { api_key: string }> {
    const apiKey = newApiKey();
    const merchant = await this.merchants.insert(
      {
        id: newMerchantId(),
        name: body.name,
        apiKeyHash: apiKeyHash(apiKey),
        apiKeyLast4: apiKeyLast4(apiKey),
        settlementCurrency: body.settlement_currency?.toUpperCase() ?? null,
      },
      newApiKeyId(),
    );
    const { created, ...resource } = toMerchantResource(merchant);
    return { ...resource, api_key: apiKey, created };
  }

  /** The merchant the API key belongs to: lets a client check that a stored key still works. */
  @Documented({ summary: 'The merchant the API key belongs to', status: 200, response: MERCHANT_SCHEMA })
  @Get('account')
  @UseGuards(ApiKeyGuard)
  account(@CurrentMerchant() merchant: MerchantEntity): MerchantResource {
    return toMerchantResource(merchant);
  }
}
