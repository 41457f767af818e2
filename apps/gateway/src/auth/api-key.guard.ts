import {
  Injectable,
  Logger,
  createParamDecorator,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import type { Response } from 'express';
import { ApiError, tooManyAuthFailures } from '@platform/service-runtime';
import { ApiKeysRepository } from '../api-keys/api-keys.repository';
import { apiKeyHash, credentialFromAuthorization, isWellFormedApiKey } from '../domain/credentials';
import type { MerchantEntity } from '../merchants/merchant.entity';
import { RateLimiter } from '../rate-limit/rate-limiter.service';
import type { AuthenticatedRequest } from './authenticated-request';

/**
 * Lets a request through when it carries a live API key of a merchant, and remembers which
 * merchant; then counts it against the key's and the merchant's rate limits. A request that fails
 * to authenticate is counted against its client address and the credential it presented: past
 * AUTH_FAILURES_PER_WINDOW of either, its answer is 429 instead of 401. A valid key is never
 * refused for failures: keys carry 190 random bits, so guessing cannot succeed, and the count is
 * there to surface a sprayer in the log and tell a client retrying a dead key to back off.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly logger = new Logger('ApiKeyGuard');

  constructor(
    private readonly keys: ApiKeysRepository,
    private readonly rateLimiter: RateLimiter,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const response = context.switchToHttp().getResponse<Response>();
    const presented = credentialFromAuthorization(request.headers.authorization);
    // A malformed key is not looked up; the message never echoes what was sent.
    const keyHash = presented !== null && isWellFormedApiKey(presented) ? apiKeyHash(presented) : null;
    const merchant = keyHash === null ? null : await this.keys.merchantOfKey(keyHash);
    if (merchant === null || keyHash === null) {
      // The socket's address (no proxy is trusted), so a client cannot pick another IP in a header.
      const clientIp = request.socket.remoteAddress ?? 'unknown';
      const failure = await this.rateLimiter.recordAuthFailure(clientIp, presented);
      if (failure.justThrottled) {
        this.logger.warn(
          `API-key authentication failures from ${clientIp} (or with one credential) passed the limit; ` +
            `failing requests answer 429 for ${failure.retryAfterSeconds} s, valid keys go on`,
        );
      }
      if (failure.throttled) throw tooManyAuthFailures(response, failure.retryAfterSeconds);
      throw ApiError.unauthorized(
        presented === null
          ? 'You did not provide an API key. Send it in the Authorization header: "Authorization: Bearer sk_test_...".'
          : undefined,
      );
    }
    const decision = await this.rateLimiter.check(keyHash, merchant.id);
    if (!decision.allowed) {
      response.setHeader('Retry-After', String(decision.retryAfterSeconds));
      throw new ApiError(
        429,
        'rate_limit_error',
        'rate_limit',
        decision.exceeded === 'merchant'
          ? `Too many requests with this merchant's API keys together; retry after ${decision.retryAfterSeconds} s.`
          : `Too many requests with this API key; retry after ${decision.retryAfterSeconds} s.`,
      );
    }
    request.merchant = merchant;
    return true;
  }
}

/** The merchant whose API key authenticated the request (use on routes behind ApiKeyGuard). */
export const CurrentMerchant = createParamDecorator(
  (_: unknown, context: ExecutionContext): MerchantEntity => {
    const merchant = context.switchToHttp().getRequest<AuthenticatedRequest>().merchant;
    if (merchant === undefined) throw ApiError.unauthorized();
    return merchant;
  },
);
