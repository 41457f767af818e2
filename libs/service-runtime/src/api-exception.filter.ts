import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { ApiErrorBody, ApiErrorType } from './api-error';

const TYPE_BY_STATUS: Record<number, { type: ApiErrorType; code: string }> = {
  400: { type: 'invalid_request_error', code: 'parameter_invalid' },
  401: { type: 'authentication_error', code: 'api_key_invalid' },
  403: { type: 'permission_error', code: 'forbidden' },
  404: { type: 'invalid_request_error', code: 'resource_missing' },
  405: { type: 'invalid_request_error', code: 'method_not_allowed' },
  409: { type: 'invalid_request_error', code: 'conflict' },
  413: { type: 'invalid_request_error', code: 'body_too_large' },
  415: { type: 'invalid_request_error', code: 'unsupported_media_type' },
  422: { type: 'invalid_request_error', code: 'unprocessable' },
  429: { type: 'rate_limit_error', code: 'rate_limited' },
};

function isApiErrorBody(value: unknown): value is ApiErrorBody {
  const error = (value as { error?: { type?: unknown } } | null)?.error;
  return typeof error === 'object' && error !== null && typeof error.type === 'string';
}

/**
 * Turns every exception into the documented error shape. Errors raised before a controller
 * (malformed JSON, a body too large) arrive here too, as errors with a status.
 */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('ApiExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const { status, body } = toApiErrorResponse(exception);
    if (status >= 500) this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    response.status(status).json(body);
  }
}

/**
 * Express error middleware for the body parser: Nest would turn its errors (malformed JSON, a
 * body too large) into generic 400s, losing the code, so they are answered here first.
 */
export function bodyParserErrorHandler(
  error: unknown,
  _request: Request,
  response: Response,
  next: NextFunction,
): void {
  if (error instanceof HttpException || !isClientError(error)) {
    next(error);
    return;
  }
  const { status, body } = toApiErrorResponse(error);
  response.status(status).json(body);
}

function isClientError(error: unknown): boolean {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' && status >= 400 && status < 500;
}

/** The status and documented error body for any exception. */
export function toApiErrorResponse(exception: unknown): { status: number; body: ApiErrorBody } {
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const payload = exception.getResponse();
    if (isApiErrorBody(payload)) return { status, body: payload };
    const known = TYPE_BY_STATUS[status] ?? { type: 'api_error' as const, code: 'http_error' };
    const message = typeof payload === 'string' ? payload : exception.message;
    return { status, body: { error: { ...known, message } } };
  }
  // body-parser errors carry a 4xx status and a type (entity.parse.failed, entity.too.large...).
  const raw = exception as { status?: unknown; type?: unknown; message?: unknown } | null;
  if (typeof raw?.status === 'number' && raw.status >= 400 && raw.status < 500) {
    const known = TYPE_BY_STATUS[raw.status] ?? {
      type: 'invalid_request_error' as const,
      code: 'invalid_request',
    };
    const code = raw.type === 'entity.parse.failed' ? 'body_not_json' : known.code;
    const message =
      raw.type === 'entity.parse.failed' ? 'The request body is not valid JSON.' : String(raw.message);
    return { status: raw.status, body: { error: { type: known.type, code, message } } };
  }
  return {
    status: 500,
    body: { error: { type: 'api_error', code: 'internal_error', message: 'An internal error occurred.' } },
  };
}
