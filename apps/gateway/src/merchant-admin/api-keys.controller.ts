import { Controller, Delete, Get, HttpCode, Inject, Param, Post, UseGuards } from '@nestjs/common';
import { ApiError } from '@platform/service-runtime';
import { ApiKeyGuard, CurrentMerchant } from '../auth/api-key.guard';
import { apiKeyHash, apiKeyLast4 } from '../domain/credentials';
import { API_KEY_ID_PATTERN, newApiKey, newApiKeyId } from '../domain/random-identifiers';
import type { MerchantEntity } from '../merchants/merchant.entity';
import { GATEWAY_CONFIG, type GatewayConfig } from '../gateway-config';
import type { ApiKeyEntity } from '../merchants/api-key.entity';
import { ApiKeysRepository, type IssueOutcome } from '../api-keys/api-keys.repository';
import { Documented } from '../openapi/documented';
import { API_KEY_SCHEMA, EMPTY_BODY_SCHEMA, listOf } from '../openapi/schemas';

export interface ApiKeyResource {
  readonly id: string;
  readonly object: 'api_key';
  readonly last4: string;
  readonly created: number;
  readonly revoked: number | null;
}

export function toApiKeyResource(key: ApiKeyEntity): ApiKeyResource {
  return {
    id: key.id,
    object: 'api_key',
    last4: key.keyLast4,
    created: Math.floor(key.createdAt.getTime() / 1000),
    revoked: key.revokedAt === null ? null : Math.floor(key.revokedAt.getTime() / 1000),
  };
}

/** A new key's secret and what is stored of it (the hash and the last four characters). */
export function newKeyFor(merchantId: string): {
  readonly secret: string;
  readonly key: Pick<ApiKeyEntity, 'id' | 'merchantId' | 'keyHash' | 'keyLast4'>;
} {
  const secret = newApiKey();
  return {
    secret,
    key: { id: newApiKeyId(), merchantId, keyHash: apiKeyHash(secret), keyLast4: apiKeyLast4(secret) },
  };
}

/** The answer to an issued key, or the refusal: at the cap, or (admin route) no such merchant. */
export function issuedKeyResource(
  outcome: IssueOutcome,
  secret: string,
  merchantId: string,
  liveKeysMax: number,
): ApiKeyResource & { secret: string } {
  if (outcome.kind === 'merchant_missing') throw ApiError.notFound('merchant', merchantId);
  if (outcome.kind === 'limit_reached') {
    throw new ApiError(
      400,
      'invalid_request_error',
      'api_key_limit_reached',
      `A merchant may hold ${liveKeysMax} live API keys; revoke one before creating another.`,
    );
  }
  return { ...toApiKeyResource(outcome.key), secret };
}

/**
 * Rotation: create a new key, move clients over, then revoke the old one. A merchant holds at
 * most API_KEYS_PER_MERCHANT_MAX live keys and never revokes its last one (the platform admin
 * issues a key to a merchant that lost them all: POST /v1/merchants/:id/api_keys).
 */
@Controller('v1/api_keys')
@UseGuards(ApiKeyGuard)
export class ApiKeysController {
  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly keys: ApiKeysRepository,
  ) {}

  /** The secret is in this answer and nowhere else, ever. */
  @Documented({
    summary: 'Create an API key; the secret is returned once',
    status: 201,
    body: EMPTY_BODY_SCHEMA,
    response: API_KEY_SCHEMA,
  })
  @Post()
  @HttpCode(201)
  async create(@CurrentMerchant() merchant: MerchantEntity): Promise<ApiKeyResource & { secret: string }> {
    const { secret, key } = newKeyFor(merchant.id);
    const outcome = await this.keys.issue(key, this.config.API_KEYS_PER_MERCHANT_MAX);
    return issuedKeyResource(outcome, secret, merchant.id, this.config.API_KEYS_PER_MERCHANT_MAX);
  }

  @Documented({
    summary: 'List API keys (never their secrets)',
    status: 200,
    response: listOf(API_KEY_SCHEMA),
  })
  @Get()
  async list(
    @CurrentMerchant() merchant: MerchantEntity,
  ): Promise<{ object: 'list'; data: ApiKeyResource[]; has_more: false }> {
    const keys = await this.keys.listForMerchant(merchant.id);
    return { object: 'list', data: keys.map(toApiKeyResource), has_more: false };
  }

  @Documented({
    summary: "Revoke an API key (never the merchant's last live one)",
    status: 200,
    response: API_KEY_SCHEMA,
    errors: [404],
  })
  @Delete(':id')
  async revoke(
    @CurrentMerchant() merchant: MerchantEntity,
    @Param('id') id: string,
  ): Promise<ApiKeyResource> {
    const outcome = API_KEY_ID_PATTERN.test(id) ? await this.keys.revoke(merchant.id, id) : null;
    if (outcome === null || outcome.kind === 'not_found') throw ApiError.notFound('live api key', id);
    if (outcome.kind === 'last_live_key') {
      throw new ApiError(
        400,
        'invalid_request_error',
        'last_api_key',
        'This is the last live API key of the merchant: create another one first, then revoke this one.',
        'id',
      );
    }
    return toApiKeyResource(outcome.key);
  }
}
