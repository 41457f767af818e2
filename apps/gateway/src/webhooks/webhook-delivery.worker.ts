import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import {
  WEBHOOK_SIGNATURE_HEADER,
  nextAttemptAt,
  webhookSignatureHeaderFor,
  type RetryPolicy,
} from '../domain/webhook-signing';
import { GATEWAY_CONFIG, type GatewayConfig } from '../gateway-config';
import { WebhookSecrets } from './webhook-secrets.service';
import { WebhookTargetRefused, postWebhook } from './webhook-transport';
import { WebhooksRepository, type DueDelivery } from './webhooks.repository';

/** Beyond the request timeout, how long a lease lasts: a delivery is never taken twice while sent. */
const LEASE_MARGIN_MS = 5_000;
const ERROR_TEXT_LENGTH_MAX = 500;

/**
 * Sends due webhook deliveries from the Postgres queue. Every instance polls; SKIP LOCKED and a
 * lease give each delivery attempt to one of them. A 2xx answer delivers; anything else (or no
 * answer) is retried with exponential backoff until the retry window closes.
 */
@Injectable()
export class WebhookDeliveryWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('WebhookDeliveryWorker');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly webhooks: WebhooksRepository,
    private readonly secrets: WebhookSecrets,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    await this.running;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.pollOnce()
        .then(() => undefined)
        .catch((error: unknown) => this.logger.warn(`webhook poll failed: ${String(error)}`))
        .finally(() => this.schedule());
    }, this.config.WEBHOOK_POLL_INTERVAL_MS);
  }

  /** One round: lease a batch and send it in parallel. Exposed for tests. */
  async pollOnce(): Promise<number> {
    const due = await this.webhooks.leaseDue(
      this.config.WEBHOOK_BATCH_SIZE,
      this.config.WEBHOOK_TIMEOUT_MS + LEASE_MARGIN_MS,
    );
    await Promise.all(due.map((delivery) => this.deliver(delivery)));
    return due.length;
  }

  private get policy(): RetryPolicy {
    return {
      baseDelayMs: this.config.WEBHOOK_RETRY_BASE_MS,
      maxDelayMs: this.config.WEBHOOK_RETRY_MAX_DELAY_MS,
      retryWindowMs: this.config.WEBHOOK_RETRY_WINDOW_HOURS * 3_600_000,
    };
  }

  private async deliver(delivery: DueDelivery): Promise<void> {
    const body = JSON.stringify({
      id: delivery.event.id,
      object: 'event',
      type: delivery.event.type,
      data: delivery.event.data,
      created: Math.floor(new Date(delivery.event.created_at).getTime() / 1000),
      livemode: false,
    });
    const started = Date.now();
    let statusCode: number | null = null;
    let error: string | null = null;
    try {
      const secrets = this.secrets.openSigning(delivery.endpoint, new Date());
      statusCode = await postWebhook(
        delivery.url,
        {
          'content-type': 'application/json',
          'user-agent': 'platform-webhooks/1',
          [WEBHOOK_SIGNATURE_HEADER]: webhookSignatureHeaderFor(secrets, Math.floor(Date.now() / 1000), body),
        },
        body,
        {
          timeoutMs: this.config.WEBHOOK_TIMEOUT_MS,
          allowedTargets: this.config.WEBHOOK_ALLOWED_TARGETS,
        },
      );
    } catch (caught) {
      // A refused target is a failed attempt like any other (DNS may change back), never a connection.
      error = (
        caught instanceof WebhookTargetRefused ? `target refused: ${caught.message}` : describeFailure(caught)
      ).slice(0, ERROR_TEXT_LENGTH_MAX);
    }
    const delivered = statusCode !== null && statusCode >= 200 && statusCode < 300;
    const next = delivered
      ? null
      : nextAttemptAt(this.policy, delivery.createdAt, delivery.attempts + 1, new Date());
    await this.webhooks.recordAttempt(
      delivery,
      { statusCode, error, durationMs: Date.now() - started, delivered },
      next,
    );
  }
}

/** Node puts the reason (refused, reset, timeout) in the message or the cause. */
function describeFailure(caught: unknown): string {
  if (!(caught instanceof Error)) return String(caught);
  const cause = caught.cause instanceof Error ? ` (${caught.cause.message})` : '';
  return `${caught.name}: ${caught.message}${cause}`;
}
