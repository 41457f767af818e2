import { randomUUID } from 'node:crypto';
import {
  Inject,
  Injectable,
  Logger,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import type { Response } from 'express';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { ApiError } from '@platform/service-runtime';
import type { AuthenticatedRequest } from '../auth/authenticated-request';
import { idempotencyRequestHash, isWellFormedIdempotencyKey } from '../domain/idempotency';
import { GATEWAY_CONFIG, type GatewayConfig } from '../gateway-config';
import { runWithIdempotencyClaim } from './idempotency-claim-context';
import { IdempotencyKeysRepository } from './idempotency-keys.repository';

/**
 * Idempotency-Key on merchant POSTs (Stripe's rules): the first answer is stored and replayed
 * for the same key and body; the same key with another body, or while the first request still
 * runs, is an idempotency_error. A request refused with an error (validation, state checks
 * before any write, or a 409 because the payments service refused its command: no effect either
 * way) stores nothing, so the key can be used again.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly logger = new Logger('IdempotencyInterceptor');

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly claims: IdempotencyKeysRepository,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = request.headers['idempotency-key'];
    const merchant = request.merchant;
    if (request.method !== 'POST' || header === undefined || merchant === undefined) return next.handle();
    return from(this.run(context, next, merchant.id, header));
  }

  private async run(
    context: ExecutionContext,
    next: CallHandler,
    merchantId: string,
    header: string | string[],
  ): Promise<unknown> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const response = context.switchToHttp().getResponse<Response>();
    const key = Array.isArray(header) ? null : header;
    if (key === null || !isWellFormedIdempotencyKey(key)) {
      throw new ApiError(
        400,
        'invalid_request_error',
        'idempotency_key_invalid',
        'The Idempotency-Key header must be 1 to 255 printable ASCII characters, sent once.',
      );
    }
    const path = request.originalUrl.split('?')[0] ?? request.originalUrl;
    const requestHash = idempotencyRequestHash(
      this.config.CARD_FINGERPRINT_SECRET,
      request.method,
      path,
      request.body as unknown,
    );
    const holderId = randomUUID();
    const claim = await this.claims.claim(
      merchantId,
      key,
      requestHash,
      holderId,
      this.config.IDEMPOTENCY_KEY_TTL_HOURS,
      Math.ceil(this.config.PAYMENT_SETTLE_WAIT_MS / 1_000) + this.config.IDEMPOTENCY_LEASE_MARGIN_SECONDS,
    );
    if (claim.outcome !== 'claimed') {
      if (claim.requestHash !== requestHash) {
        throw new ApiError(
          400,
          'idempotency_error',
          'idempotency_key_reused',
          'Keys for idempotent requests can only be used with the same parameters they were first used with.',
        );
      }
      if (claim.outcome === 'in_progress') {
        throw new ApiError(
          409,
          'idempotency_error',
          'idempotency_key_in_use',
          'A request with this Idempotency-Key is still being processed; retry once it has finished.',
        );
      }
      response.status(claim.responseStatus);
      response.setHeader('Idempotent-Replayed', 'true');
      return claim.responseBody;
    }
    let body: unknown;
    try {
      body = await runWithIdempotencyClaim({ merchantId, key, holderId, recovered: claim.recovered }, () =>
        lastValueFrom(next.handle(), { defaultValue: undefined }),
      );
    } catch (error) {
      const refused = error instanceof ApiError && error.getStatus() < 500;
      await this.claims.release(merchantId, key, holderId, refused).catch((releaseError: unknown) => {
        this.logger.error(`releasing idempotency key failed: ${String(releaseError)}`);
      });
      throw error;
    }
    await this.claims.complete(merchantId, key, holderId, response.statusCode, body);
    return body;
  }
}
