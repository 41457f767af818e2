import { Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { ServiceEnv } from '@platform/config';
import { ApiError } from './api-error';

/** Fixed windows for counting: the window a moment falls in, and how long until it ends. */
export interface FixedWindow {
  readonly start: Date;
  /** Whole seconds until the window ends (at least 1): the Retry-After of a refusal. */
  readonly retryAfterSeconds: number;
}

export function fixedWindowAt(now: Date, windowSeconds: number): FixedWindow {
  const windowMs = windowSeconds * 1000;
  const startMs = Math.floor(now.getTime() / windowMs) * windowMs;
  return {
    start: new Date(startMs),
    retryAfterSeconds: Math.max(1, Math.ceil((startMs + windowMs - now.getTime()) / 1000)),
  };
}

export type AuthFailureSettings = Pick<
  ServiceEnv,
  'AUTH_FAILURES_PER_WINDOW' | 'AUTH_FAILURE_WINDOW_SECONDS'
>;

export interface AuthFailureOutcome {
  /** Failures of the client in the current window, this one included. */
  readonly failures: number;
  /** Over the limit: answer 429, not 401. */
  readonly throttled: boolean;
  readonly retryAfterSeconds: number;
}

/** Clients tracked at once; beyond, the longest-unseen are forgotten first. */
const TRACKED_CLIENTS_MAX = 10_000;

/**
 * Failed authentications per client in fixed windows, in this process's memory (each instance
 * counts its own). Only failures are counted: a client presenting a valid credential is never
 * refused for what it, or anyone behind the same address, got wrong before.
 */
export class AuthFailureCounter {
  private readonly windows = new Map<string, { windowStartMs: number; failures: number }>();

  constructor(private readonly trackedClientsMax = TRACKED_CLIENTS_MAX) {}

  record(client: string, settings: AuthFailureSettings, now: Date = new Date()): AuthFailureOutcome {
    const window = fixedWindowAt(now, settings.AUTH_FAILURE_WINDOW_SECONDS);
    const known = this.windows.get(client);
    const failures = known?.windowStartMs === window.start.getTime() ? known.failures + 1 : 1;
    // Re-inserted, so that iteration order is least recently seen first.
    this.windows.delete(client);
    this.windows.set(client, { windowStartMs: window.start.getTime(), failures });
    for (const oldest of this.windows.keys()) {
      if (this.windows.size <= this.trackedClientsMax) break;
      this.windows.delete(oldest);
    }
    return {
      failures,
      throttled: failures > settings.AUTH_FAILURES_PER_WINDOW,
      retryAfterSeconds: window.retryAfterSeconds,
    };
  }

  get trackedClients(): number {
    return this.windows.size;
  }
}

const tokenFailures = new AuthFailureCounter();
const logger = new Logger('TokenAuthentication');

/**
 * The answer to a refused bearer token (admin, analyst, metrics): counted per client address and
 * logged as a warning; past AUTH_FAILURES_PER_WINDOW in the window, 429 with Retry-After (logged
 * once, when it starts) instead of 401.
 */
export function refuseToken(
  request: Request,
  response: Response,
  credentialName: string,
  settings: AuthFailureSettings,
): ApiError {
  const client = request.socket.remoteAddress ?? 'unknown';
  const outcome = tokenFailures.record(client, settings);
  const limit = settings.AUTH_FAILURES_PER_WINDOW;
  if (!outcome.throttled) {
    logger.warn(
      `${credentialName} refused for ${client} on ${request.method} ${request.path} ` +
        `(${outcome.failures} of ${limit} failures allowed in ${settings.AUTH_FAILURE_WINDOW_SECONDS} s)`,
    );
    return ApiError.unauthorized(`Invalid or missing ${credentialName}.`);
  }
  if (outcome.failures === limit + 1) {
    logger.warn(
      `${client} is throttled for ${outcome.retryAfterSeconds} s: more than ${limit} failed token ` +
        'authentications; further failures answer 429 and are not logged',
    );
  }
  return tooManyAuthFailures(response, outcome.retryAfterSeconds);
}

/** 429 for a client (or credential) that used up its failed authentications; Retry-After is set. */
export function tooManyAuthFailures(response: Response, retryAfterSeconds: number): ApiError {
  response.setHeader('Retry-After', String(retryAfterSeconds));
  return new ApiError(
    429,
    'rate_limit_error',
    'authentication_rate_limit',
    `Too many failed authentications; retry after ${retryAfterSeconds} s.`,
  );
}
