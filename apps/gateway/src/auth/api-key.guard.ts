import { Injectable, createParamDecorator, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { ApiError } from '@platform/service-runtime';
import { apiKeyHash, credentialFromAuthorization, isWellFormedApiKey } from '../domain/credentials';
import type { MerchantEntity } from '../merchants/merchant.entity';
import { MerchantsRepository } from '../merchants/merchants.repository';
import type { AuthenticatedRequest } from './authenticated-request';

/** Lets a request through when it carries a merchant's API key, and remembers which merchant. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(private readonly merchants: MerchantsRepository) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const key = credentialFromAuthorization(request.headers.authorization);
    if (key === null) {
      throw ApiError.unauthorized(
        'You did not provide an API key. Send it in the Authorization header: "Authorization: Bearer sk_test_...".',
      );
    }
    // A malformed key is not looked up; the message never echoes what was sent.
    const merchant = isWellFormedApiKey(key) ? await this.merchants.findByApiKeyHash(apiKeyHash(key)) : null;
    if (merchant === null) throw ApiError.unauthorized();
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
