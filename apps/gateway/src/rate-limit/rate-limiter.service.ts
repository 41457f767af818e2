import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { GATEWAY_CONFIG, type GatewayConfig } from '../gateway-config';
import { RateLimitRepository } from './rate-limit.repository';

export interface RateLimitDecision {
  readonly allowed: boolean;
  /** Whole seconds until the current window ends (at least 1). */
  readonly retryAfterSeconds: number;
}

/** Old windows are swept at this interval; a window is only read while it is current. */
const SWEEP_INTERVAL_MS = 60_000;

@Injectable()
export class RateLimiter implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('RateLimiter');
  private sweepTimer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly windows: RateLimitRepository,
  ) {}

  async check(keyHash: string, now: Date = new Date()): Promise<RateLimitDecision> {
    const windowMs = this.config.RATE_LIMIT_WINDOW_SECONDS * 1000;
    const windowStartMs = Math.floor(now.getTime() / windowMs) * windowMs;
    const count = await this.windows.hit(keyHash, new Date(windowStartMs));
    const retryAfterSeconds = Math.max(1, Math.ceil((windowStartMs + windowMs - now.getTime()) / 1000));
    return { allowed: count <= this.config.RATE_LIMIT_REQUESTS_PER_WINDOW, retryAfterSeconds };
  }

  onModuleInit(): void {
    this.sweepTimer = setInterval(() => {
      const cutoff = new Date(Date.now() - this.config.RATE_LIMIT_WINDOW_SECONDS * 1000 - SWEEP_INTERVAL_MS);
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
