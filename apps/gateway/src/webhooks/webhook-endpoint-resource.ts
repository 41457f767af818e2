import type { WebhookEndpointEntity } from './webhook-endpoint.entity';

export interface WebhookEndpointResource {
  readonly id: string;
  readonly object: 'webhook_endpoint';
  readonly url: string;
  readonly enabled_events: string[];
  readonly description: string | null;
  readonly status: 'enabled' | 'deleted';
  readonly created: number;
  /** After a rotation: until when deliveries are signed with the previous secret too. */
  readonly previous_secret_expires: number | null;
}

export function toWebhookEndpointResource(endpoint: WebhookEndpointEntity): WebhookEndpointResource {
  return {
    id: endpoint.id,
    object: 'webhook_endpoint',
    url: endpoint.url,
    enabled_events: endpoint.enabledEvents,
    description: endpoint.description,
    status: endpoint.deletedAt === null ? 'enabled' : 'deleted',
    created: Math.floor(endpoint.createdAt.getTime() / 1000),
    previous_secret_expires:
      endpoint.previousSecretExpiresAt === null
        ? null
        : Math.floor(endpoint.previousSecretExpiresAt.getTime() / 1000),
  };
}
