import { Injectable, createParamDecorator, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Response } from 'express';
import { ApiError } from '@platform/service-runtime';
import { ApiKeysRepository } from '../api-keys/api-keys.repository';
import { apiKeyHash, credentialFromAuthorization, isWellFormedApiKey } from '../domain/credentials';
import type { MerchantEntity } from '../merchants/merchant.entity';
import { RateLimiter } from '../rate-limit/rate-limiter.service';
import type { AuthenticatedRequest } from './authenticated-request';

/**
 * Lets a request through when it carries a live API key of a merchant, and remembers which
 * merchant; then counts it against the key's rate limit.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly keys: ApiKeysRepository,
    private readonly rateLimiter: RateLimiter,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const response = context.switchToHttp().getResponse<Response>();
    const key = credentialFromAuthorization(request.headers.authorization);
    if (key === null) {
      throw ApiError.unauthorized(
        'You did not provide an API key. Send it in the Authorization header: "Authorization: Bearer sk_test_...".',
      );
    }
    // The socket's address (no proxy is trusted), so a client cannot pick another IP in a header.
    const clientIp = request.socket.remoteAddress ?? 'unknown';
    const allowedToTry = await this.rateLimiter.checkAuthFailures(clientIp);
    if (!allowedToTry.allowed) throw tooManyAuthFailures(response, allowedToTry.retryAfterSeconds);
    // A malformed key is not looked up; the message never echoes what was sent.
    const keyHash = isWellFormedApiKey(key) ? apiKeyHash(key) : null;
    const merchant = keyHash === null ? null : await this.keys.merchantOfKey(keyHash);
    if (merchant === null || keyHash === null) {
      const failure = await this.rateLimiter.recordAuthFailure(clientIp);
      if (!failure.allowed) throw tooManyAuthFailures(response, failure.retryAfterSeconds);
      throw ApiError.unauthorized();
    }
    const decision = await this.rateLimiter.check(keyHash);
    if (!decision.allowed) {
      response.setHeader('Retry-After', String(decision.retryAfterSeconds));
      throw new ApiError(
        429,
        'rate_limit_error',
        'rate_limit',
        `Too many requests with this API key; retry after ${decision.retryAfterSeconds} s.`,
      );
    }
    request.merchant = merchant;
    return true;
  }
}

function tooManyAuthFailures(response: Response, retryAfterSeconds: number): ApiError {
  response.setHeader('Retry-After', String(retryAfterSeconds));
  return new ApiError(
    429,
    'rate_limit_error',
    'authentication_rate_limit',
    `Too many failed authentications from this address; retry after ${retryAfterSeconds} s.`,
  );
}

/** The merchant whose API key authenticated the request (use on routes behind ApiKeyGuard). */
export const CurrentMerchant = createParamDecorator(
  (_: unknown, context: ExecutionContext): MerchantEntity => {
    const merchant = context.switchToHttp().getRequest<AuthenticatedRequest>().merchant;
    if (merchant === undefined) throw ApiError.unauthorized();
    return merchant;
  },
);
