import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { authFailureCounterKey, fixedWindowAt } from '../domain/rate-windows';
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
    const window = fixedWindowAt(now, this.config.RATE_LIMIT_WINDOW_SECONDS);
    const count = await this.windows.hit(keyHash, window.start);
    return {
      allowed: count <= this.config.RATE_LIMIT_REQUESTS_PER_WINDOW,
      retryAfterSeconds: window.retryAfterSeconds,
    };
  }

  /**
   * Whether a client IP may still try to authenticate: once it has used up its failures in the
   * window, it is refused before its key is even looked up, so guessing keys learns nothing more.
   */
  async checkAuthFailures(clientIp: string, now: Date = new Date()): Promise<RateLimitDecision> {
    const window = fixedWindowAt(now, this.config.AUTH_FAILURE_WINDOW_SECONDS);
    const failures = await this.windows.count(authFailureCounterKey(clientIp), window.start);
    return {
      allowed: failures < this.config.AUTH_FAILURES_PER_WINDOW,
      retryAfterSeconds: window.retryAfterSeconds,
    };
  }

  /** Counts one failed authentication of the IP; refused once that was more than the window allows. */
  async recordAuthFailure(clientIp: string, now: Date = new Date()): Promise<RateLimitDecision> {
    const window = fixedWindowAt(now, this.config.AUTH_FAILURE_WINDOW_SECONDS);
    const failures = await this.windows.hit(authFailureCounterKey(clientIp), window.start);
    return {
      allowed: failures <= this.config.AUTH_FAILURES_PER_WINDOW,
      retryAfterSeconds: window.retryAfterSeconds,
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
