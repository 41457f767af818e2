import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { fixedWindowAt } from '@platform/service-runtime';
import {
  clientFailureCounterKey,
  credentialFailureCounterKey,
  merchantRequestCounterKey,
} from '../domain/rate-windows';
import { GATEWAY_CONFIG, type GatewayConfig } from '../gateway-config';
import { RateLimitRepository } from './rate-limit.repository';

export interface RateLimitDecision {
  readonly allowed: boolean;
  /** Whole seconds until the current window ends (at least 1). */
  readonly retryAfterSeconds: number;
  /** What ran out: the key's own limit or its merchant's (all keys together); null when allowed. */
  readonly exceeded: 'api_key' | 'merchant' | null;
}

export interface AuthFailureDecision {
  /** Over AUTH_FAILURES_PER_WINDOW for the client address or for the credential: 429, not 401. */
  readonly throttled: boolean;
  readonly retryAfterSeconds: number;
  /** This failure is the first over the limit (of the address or the credential): worth one log line. */
  readonly justThrottled: boolean;
}

/** Old windows are swept at this interval; a window is only read while it is current. */
const SWEEP_INTERVAL_MS = 60_000;

/**
 * Request limits per API key and per merchant, and failed-authentication limits per client address
 * and per presented credential. Failures are counted only for requests that fail: an honest key
 * is never refused because others behind the same address sprayed wrong ones.
 */
@Injectable()
export class RateLimiter implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('RateLimiter');
  private sweepTimer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly windows: RateLimitRepository,
  ) {}

  /** Counts one request of the key and of its merchant. */
  async check(keyHash: string, merchantId: string, now: Date = new Date()): Promise<RateLimitDecision> {
    const window = fixedWindowAt(now, this.config.RATE_LIMIT_WINDOW_SECONDS);
    const merchantKey = merchantRequestCounterKey(merchantId);
    const counts = await this.windows.hit([keyHash, merchantKey], window.start);
    const exceeded =
      (counts.get(keyHash) ?? 0) > this.config.RATE_LIMIT_REQUESTS_PER_WINDOW
        ? 'api_key'
        : (counts.get(merchantKey) ?? 0) > this.config.MERCHANT_RATE_LIMIT_REQUESTS_PER_WINDOW
          ? 'merchant'
          : null;
    return { allowed: exceeded === null, retryAfterSeconds: window.retryAfterSeconds, exceeded };
  }

  /** Counts one failed authentication of the client address and, when one was sent, of the credential. */
  async recordAuthFailure(
    clientIp: string,
    presented: string | null,
    now: Date = new Date(),
  ): Promise<AuthFailureDecision> {
    const window = fixedWindowAt(now, this.config.AUTH_FAILURE_WINDOW_SECONDS);
    const keys = [
      clientFailureCounterKey(clientIp),
      ...(presented === null ? [] : [credentialFailureCounterKey(presented)]),
    ];
    const counts = [...(await this.windows.hit(keys, window.start)).values()];
    const limit = this.config.AUTH_FAILURES_PER_WINDOW;
    return {
      throttled: counts.some((count) => count > limit),
      retryAfterSeconds: window.retryAfterSeconds,
      justThrottled: counts.some((count) => count === limit + 1),
    };
  }

  onModuleInit(): void {
    this.sweepTimer = setInterval(() => {
      // The longer of the two windows: a window is swept only once it can no longer be current.
      const windowSeconds = Math.max(
        this.config.RATE_LIMIT_WINDOW_SECONDS,
        this.config.AUTH_FAILURE_WINDOW_SECONDS,
      );
      const cutoff = new Date(Date.now() - windowSeconds * 1000 - SWEEP_INTERVAL_MS);
      this.windows.deleteWindowsBefore(cutoff).catch((error: unknown) => {
        this.logger.warn(`sweeping rate-limit windows failed: ${String(error)}`);
      });
    }, SWEEP_INTERVAL_MS);
    this.sweepTimer.unref();
  }

  onApplicationShutdown(): void {
    if (this.sweepTimer !== undefined) clearInterval(this.sweepTimer);
  }
}
