import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  Post,
  Query,
  UseGuards,
} from '@nestjs/common';
import { ApiError } from '@platform/service-runtime';
import { ApiKeyGuard, CurrentMerchant } from '../auth/api-key.guard';
import {
  WEBHOOK_ENDPOINT_ID_PATTERN,
  newWebhookEndpointId,
  newWebhookSecret,
} from '../domain/random-identifiers';
import { GATEWAY_CONFIG, type GatewayConfig } from '../gateway-config';
import { listShape, type ListShape } from '../listing/cursor-page';
import { ListQueryDto } from '../listing/list-query.dto';
import type { MerchantEntity } from '../merchants/merchant.entity';
import { ENABLED_EVENT_VALUES } from '../domain/webhook-event-types';
import { CreateWebhookEndpointDto } from './webhook-endpoint.dto';
import { toWebhookEndpointResource, type WebhookEndpointResource } from './webhook-endpoint-resource';
import { WebhookSecrets } from './webhook-secrets.service';
import { webhookTargetProblem } from './webhook-transport';
import { WebhooksRepository, type DeliveryLogLine } from './webhooks.repository';
import { Documented } from '../openapi/documented';
import {
  createWebhookEndpointSchema,
  DELETED_SCHEMA,
  EMPTY_BODY_SCHEMA,
  WEBHOOK_DELIVERY_SCHEMA,
  WEBHOOK_ENDPOINT_SCHEMA,
  listOf,
} from '../openapi/schemas';

const DELIVERY_LOG_LIMIT = 100;

interface DeliveryResource {
  readonly id: string;
  readonly object: 'webhook_delivery';
  readonly event: string;
  readonly status: string;
  readonly attempts: number;
  readonly last_status_code: number | null;
  readonly last_error: string | null;
  readonly next_attempt: number | null;
  readonly created: number;
}

function toDeliveryResource(line: DeliveryLogLine): DeliveryResource {
  return {
    id: line.id,
    object: 'webhook_delivery',
    event: line.event_id,
    status: line.status,
    attempts: line.attempts,
    last_status_code: line.last_status_code,
    last_error: line.last_error,
    next_attempt:
      line.status === 'pending' ? Math.floor(new Date(line.next_attempt_at).getTime() / 1000) : null,
    created: Math.floor(new Date(line.created_at).getTime() / 1000),
  };
}

@Controller('v1/webhook_endpoints')
@UseGuards(ApiKeyGuard)
export class WebhookEndpointsController {
  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly webhooks: WebhooksRepository,
    private readonly secrets: WebhookSecrets,
  ) {}

  /** The signing secret is in this answer and never again. */
  @Documented({
    summary: 'Create a webhook endpoint; the signing secret is returned once',
    status: 201,
    body: createWebhookEndpointSchema(ENABLED_EVENT_VALUES),
    response: WEBHOOK_ENDPOINT_SCHEMA,
  })
  @Post()
  @HttpCode(201)
  async create(
    @CurrentMerchant() merchant: MerchantEntity,
    @Body() body: CreateWebhookEndpointDto,
  ): Promise<WebhookEndpointResource & { secret: string }> {
    const problem = await webhookTargetProblem(body.url, {
      allowedTargets: this.config.WEBHOOK_ALLOWED_TARGETS,
    });
    if (problem !== null) {
      throw new ApiError(400, 'invalid_request_error', 'url_invalid', `Invalid url: ${problem}.`, 'url');
    }
    const id = newWebhookEndpointId();
    const secret = newWebhookSecret();
    const endpoint = await this.webhooks.insertEndpoint({
      id,
      merchantId: merchant.id,
      url: body.url,
      enabledEvents: body.enabled_events ?? ['*'],
      description: body.description ?? null,
      ...this.secrets.seal(id, secret),
    });
    return { ...toWebhookEndpointResource(endpoint), secret };
  }

  /**
   * A new signing secret, in this answer only. The previous one keeps signing alongside (a second
   * v1= in the header) for WEBHOOK_SECRET_ROTATION_OVERLAP_HOURS, so receivers can switch over.
   */
  @Documented({
    summary:
      'Rotate the signing secret; the new one is returned once, the old one keeps signing alongside ' +
      'until previous_secret_expires',
    status: 200,
    body: EMPTY_BODY_SCHEMA,
    response: WEBHOOK_ENDPOINT_SCHEMA,
    errors: [404],
  })
  @Post(':id/rotate_secret')
  @HttpCode(200)
  async rotateSecret(
    @CurrentMerchant() merchant: MerchantEntity,
    @Param('id') id: string,
  ): Promise<WebhookEndpointResource & { secret: string }> {
    const secret = newWebhookSecret();
    const endpoint = WEBHOOK_ENDPOINT_ID_PATTERN.test(id)
      ? await this.webhooks.rotateSecret(
          merchant.id,
          id,
          this.secrets.seal(id, secret),
          this.config.WEBHOOK_SECRET_ROTATION_OVERLAP_HOURS,
        )
      : null;
    if (endpoint === null) throw ApiError.notFound('webhook endpoint', id);
    return { ...toWebhookEndpointResource(endpoint), secret };
  }

  @Documented({ summary: 'List webhook endpoints', status: 200, response: listOf(WEBHOOK_ENDPOINT_SCHEMA) })
  @Get()
  async list(
    @CurrentMerchant() merchant: MerchantEntity,
    @Query() query: ListQueryDto,
  ): Promise<ListShape<WebhookEndpointResource>> {
    return listShape(
      '/v1/webhook_endpoints',
      await this.webhooks.listLive(merchant.id, query),
      toWebhookEndpointResource,
    );
  }

  @Documented({
    summary: 'Retrieve a webhook endpoint',
    status: 200,
    response: WEBHOOK_ENDPOINT_SCHEMA,
    errors: [404],
  })
  @Get(':id')
  async retrieve(
    @CurrentMerchant() merchant: MerchantEntity,
    @Param('id') id: string,
  ): Promise<WebhookEndpointResource> {
    const endpoint = WEBHOOK_ENDPOINT_ID_PATTERN.test(id)
      ? await this.webhooks.findLive(merchant.id, id)
      : null;
    if (endpoint === null) throw ApiError.notFound('webhook endpoint', id);
    return toWebhookEndpointResource(endpoint);
  }

  /** The delivery log: the endpoint's latest deliveries, newest first. */
  @Documented({
    summary: 'The delivery log of an endpoint, newest first',
    status: 200,
    response: listOf(WEBHOOK_DELIVERY_SCHEMA),
    errors: [404],
  })
  @Get(':id/deliveries')
  async deliveries(
    @CurrentMerchant() merchant: MerchantEntity,
    @Param('id') id: string,
  ): Promise<{ object: 'list'; has_more: boolean; data: DeliveryResource[] }> {
    const endpoint = WEBHOOK_ENDPOINT_ID_PATTERN.test(id)
      ? await this.webhooks.findLive(merchant.id, id)
      : null;
    if (endpoint === null) throw ApiError.notFound('webhook endpoint', id);
    const lines = await this.webhooks.deliveryLog(merchant.id, id, DELIVERY_LOG_LIMIT);
    return {
      object: 'list',
      has_more: lines.length === DELIVERY_LOG_LIMIT,
      data: lines.map(toDeliveryResource),
    };
  }

  @Documented({ summary: 'Delete a webhook endpoint', status: 200, response: DELETED_SCHEMA, errors: [404] })
  @Delete(':id')
  async remove(
    @CurrentMerchant() merchant: MerchantEntity,
    @Param('id') id: string,
  ): Promise<{ id: string; object: 'webhook_endpoint'; deleted: true }> {
    const endpoint = WEBHOOK_ENDPOINT_ID_PATTERN.test(id)
      ? await this.webhooks.delete(merchant.id, id)
      : null;
    if (endpoint === null) throw ApiError.notFound('webhook endpoint', id);
    return { id: endpoint.id, object: 'webhook_endpoint', deleted: true };
  }
}
