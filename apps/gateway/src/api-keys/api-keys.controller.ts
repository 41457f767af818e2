import { Controller, Delete, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiError } from '@platform/service-runtime';
import { ApiKeyGuard, CurrentMerchant } from '../auth/api-key.guard';
import { apiKeyHash, apiKeyLast4 } from '../domain/credentials';
import { API_KEY_ID_PATTERN, newApiKey, newApiKeyId } from '../domain/random-identifiers';
import type { MerchantEntity } from '../merchants/merchant.entity';
import type { ApiKeyEntity } from './api-key.entity';
import { ApiKeysRepository } from './api-keys.repository';
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

/** Rotation: create a new key, move clients over, then revoke the old one. */
@Controller('v1/api_keys')
@UseGuards(ApiKeyGuard)
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysRepository) {}

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
    const secret = newApiKey();
    const key = await this.keys.insert(null, {
      id: newApiKeyId(),
      merchantId: merchant.id,
      keyHash: apiKeyHash(secret),
      keyLast4: apiKeyLast4(secret),
    });
    return { ...toApiKeyResource(key), secret };
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

  @Documented({ summary: 'Revoke an API key', status: 200, response: API_KEY_SCHEMA, errors: [404] })
  @Delete(':id')
  async revoke(
    @CurrentMerchant() merchant: MerchantEntity,
    @Param('id') id: string,
  ): Promise<ApiKeyResource> {
    const key = API_KEY_ID_PATTERN.test(id) ? await this.keys.revoke(merchant.id, id) : null;
    if (key === null) throw ApiError.notFound('live api key', id);
    return toApiKeyResource(key);
  }
}
