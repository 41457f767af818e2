import { createHash, timingSafeEqual } from 'node:crypto';
import {
  Inject,
  Injectable,
  mixin,
  type CanActivate,
  type ExecutionContext,
  type Type,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { refuseToken, type AuthFailureSettings } from './auth-failures';

const BEARER = /^Bearer ([\x21-\x7e]{1,512})$/;

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/**
 * True when the Authorization header carries exactly the expected bearer token. Both sides are
 * hashed first, so the comparison is constant-time and leaks neither content nor length.
 */
export function bearerTokenMatches(authorization: string | undefined, expectedToken: string): boolean {
  const given = BEARER.exec(authorization ?? '')?.[1];
  if (given === undefined) return false;
  return timingSafeEqual(sha256(given), sha256(expectedToken));
}

/**
 * A guard admitting `Authorization: Bearer <config[variable]>`, the config being the app's
 * provider under configToken: `@UseGuards(bearerTokenGuard(LEDGER_CONFIG, 'ADMIN_TOKEN'))`.
 * Refusals are logged and counted per client address (refuseToken): 429 past the limit.
 */
export function bearerTokenGuard<K extends string>(configToken: symbol, variable: K): Type<CanActivate> {
  @Injectable()
  class BearerTokenGuard implements CanActivate {
    constructor(@Inject(configToken) private readonly config: Record<K, string> & AuthFailureSettings) {}

    canActivate(context: ExecutionContext): boolean {
      const request = context.switchToHttp().getRequest<Request>();
      if (bearerTokenMatches(request.headers.authorization, this.config[variable])) return true;
      const response = context.switchToHttp().getResponse<Response>();
      throw refuseToken(request, response, variable.toLowerCase().replace(/_/g, ' '), this.config);
    }
  }
  return mixin(BearerTokenGuard);
}
