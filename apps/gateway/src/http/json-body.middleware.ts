import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { ApiError } from '@platform/service-runtime';

/**
 * The API speaks JSON only: a request that carries a body of another type gets a 415 rather than
 * being read as empty. (JSON bodies are parsed, and size-limited, before this runs.)
 */
@Injectable()
export class JsonBodyMiddleware implements NestMiddleware {
  use(request: Request, _response: Response, next: NextFunction): void {
    const hasBody =
      request.headers['transfer-encoding'] !== undefined ||
      (request.headers['content-length'] !== undefined && request.headers['content-length'] !== '0');
    if (hasBody && request.is('application/json') === false) {
      throw new ApiError(
        415,
        'invalid_request_error',
        'unsupported_media_type',
        'Request bodies must be JSON, sent with "Content-Type: application/json".',
      );
    }
    next();
  }
}
