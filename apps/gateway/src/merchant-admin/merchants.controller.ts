import { Body, Controller, Get, HttpCode, Inject, Param, Post, Req, UseGuards } from '@nestjs/common';
import type { Request } from 'express';
import { ApiError, bearerTokenGuard } from '@platform/service-runtime';
import { ApiKeyGuard, CurrentMerchant } from '../auth/api-key.guard';
import { apiKeyHash, apiKeyLast4 } from '../domain/credentials';
import { newApiKey, newApiKeyId, newMerchantId } from '../domain/random-identifiers';
import { correlationIdOf } from '../http/correlation-id';
import { ApiKeysRepository } from '../api-keys/api-keys.repository';
import { issuedKeyResource, newKeyFor, type ApiKeyResource } from './api-keys.controller';
import { CreateMerchantDto, IssueApiKeyDto, UpdateMerchantDto } from '../merchants/create-merchant.dto';
import type { MerchantEntity } from '../merchants/merchant.entity';
import {
  pricingFromRequest,
  toPricingResource,
  type MerchantPricing,
  type PricingResource,
} from '../merchants/merchant-pricing';
import { MerchantsRepository } from '../merchants/merchants.repository';
import { MerchantAdminService } from './merchant-admin.service';
import { GATEWAY_CONFIG, type GatewayConfig } from '../gateway-config';
import { Documented } from '../openapi/documented';
import {
  API_KEY_SCHEMA,
  CREATE_MERCHANT_SCHEMA,
  ISSUE_API_KEY_SCHEMA,
  MERCHANT_SCHEMA,
  UPDATE_MERCHANT_SCHEMA,
} from '../openapi/schemas';

const MERCHANT_ID = /^mer_[A-Za-z0-9]{8,64}$/;

interface MerchantResource {
  readonly id: string;
  readonly object: 'merchant';
  readonly name: string;
  readonly settlement_currency: string | null;
  /** The currencies priced for this merchant; any other is charged the default. */
  readonly pricing: PricingResource[];
  readonly created: number;
}

function toMerchantResource(merchant: MerchantEntity, pricing: readonly MerchantPricing[]): MerchantResource {
  return {
    id: merchant.id,
    object: 'merchant',
    name: merchant.name,
    settlement_currency: merchant.settlementCurrency?.toLowerCase() ?? null,
    pricing: toPricingResource(pricing),
    created: Math.floor(merchant.createdAt.getTime() / 1000),
  };
}

@Controller('v1')
export class MerchantsController {
  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly merchants: MerchantsRepository,
    private readonly merchantAdmin: MerchantAdminService,
    private readonly apiKeys: ApiKeysRepository,
  ) {}

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
  async create(
    @Body() body: CreateMerchantDto,
    @Req() request: Request,
  ): Promise<MerchantResource & { api_key: string }> {
    const apiKey = newApiKey();
    const pricing = pricingFromRequest(body.pricing ?? []);
    const merchant = await this.merchantAdmin.onboard(
      {
        id: newMerchantId(),
        name: body.name,
        apiKeyHash: apiKeyHash(apiKey),
        apiKeyLast4: apiKeyLast4(apiKey),
        settlementCurrency: body.settlement_currency?.toUpperCase() ?? null,
      },
      newApiKeyId(),
      pricing,
      correlationIdOf(request),
    );
    const { created, ...resource } = toMerchantResource(merchant, pricing);
    return { ...resource, api_key: apiKey, created };
  }

  @Documented({
    summary: 'A merchant, with its pricing (admin token)',
    status: 200,
    response: MERCHANT_SCHEMA,
    errors: [404],
    authenticated: false,
  })
  @Get('merchants/:id')
  @UseGuards(bearerTokenGuard(GATEWAY_CONFIG, 'ADMIN_TOKEN'))
  async retrieve(@Param('id') id: string): Promise<MerchantResource> {
    const merchant = MERCHANT_ID.test(id) ? await this.merchants.findById(id) : null;
    if (merchant === null) throw ApiError.notFound('merchant', id);
    return toMerchantResource(merchant, await this.merchants.pricingOf(merchant.id));
  }

  /**
   * Changes the fields given (admin token). Each pricing entry replaces its currency's fee; the
   * ledger applies it, by merchant.pricing_set, to the captures it posts after receiving it.
   */
  @Documented({
    summary: 'Update a merchant: name, settlement currency, pricing per currency (admin token)',
    status: 200,
    body: UPDATE_MERCHANT_SCHEMA,
    response: MERCHANT_SCHEMA,
    errors: [404],
    authenticated: false,
  })
  @Post('merchants/:id')
  @HttpCode(200)
  @UseGuards(bearerTokenGuard(GATEWAY_CONFIG, 'ADMIN_TOKEN'))
  async update(
    @Param('id') id: string,
    @Body() body: UpdateMerchantDto,
    @Req() request: Request,
  ): Promise<MerchantResource> {
    const merchant = MERCHANT_ID.test(id)
      ? await this.merchantAdmin.update(
          id,
          {
            ...(body.name === undefined ? {} : { name: body.name }),
            ...(body.settlement_currency === undefined
              ? {}
              : { settlementCurrency: body.settlement_currency.toUpperCase() }),
            ...(body.pricing === undefined ? {} : { pricing: pricingFromRequest(body.pricing) }),
          },
          correlationIdOf(request),
        )
      : null;
    if (merchant === null) throw ApiError.notFound('merchant', id);
    return toMerchantResource(merchant, await this.merchants.pricingOf(merchant.id));
  }

  /**
   * A new API key for a merchant (admin token), the secret in this answer only: how a merchant that
   * lost its keys gets one (with revoke_existing, its live keys are revoked in the same step).
   */
  @Documented({
    summary: 'Issue an API key to a merchant (admin token); the secret is returned once',
    status: 201,
    body: ISSUE_API_KEY_SCHEMA,
    response: API_KEY_SCHEMA,
    errors: [404],
    authenticated: false,
  })
  @Post('merchants/:id/api_keys')
  @HttpCode(201)
  @UseGuards(bearerTokenGuard(GATEWAY_CONFIG, 'ADMIN_TOKEN'))
  async issueApiKey(
    @Param('id') id: string,
    @Body() body: IssueApiKeyDto,
  ): Promise<ApiKeyResource & { secret: string }> {
    if (!MERCHANT_ID.test(id)) throw ApiError.notFound('merchant', id);
    const { secret, key } = newKeyFor(id);
    const limit = this.config.API_KEYS_PER_MERCHANT_MAX;
    const outcome = await this.apiKeys.issue(key, limit, body.revoke_existing === true);
    return issuedKeyResource(outcome, secret, id, limit);
  }

  /** The merchant the API key belongs to: lets a client check that a stored key still works. */
  @Documented({ summary: 'The merchant the API key belongs to', status: 200, response: MERCHANT_SCHEMA })
  @Get('account')
  @UseGuards(ApiKeyGuard)
  async account(@CurrentMerchant() merchant: MerchantEntity): Promise<MerchantResource> {
    return toMerchantResource(merchant, await this.merchants.pricingOf(merchant.id));
  }
}
