import { HttpException } from '@nestjs/common';

/** Error types as merchants know them from Stripe. */
export type ApiErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'idempotency_error'
  | 'rate_limit_error'
  | 'card_error'
  | 'api_error';

export interface ApiErrorBody {
  readonly error: {
    readonly type: ApiErrorType;
    readonly code: string;
    readonly message: string;
    readonly param?: string;
  };
}

/** Every error a client sees has this shape: {"error": {type, code, message, param}}. */
export class ApiError extends HttpException {
  constructor(status: number, type: ApiErrorType, code: string, message: string, param?: string) {
    const body: ApiErrorBody = { error: { type, code, message, ...(param === undefined ? {} : { param }) } };
    super(body, status);
  }

  static notFound(resource: string, id: string, param = 'id'): ApiError {
    return new ApiError(
      404,
      'invalid_request_error',
      'resource_missing',
      `No such ${resource}: '${id}'`,
      param,
    );
  }

  static unauthorized(message = 'Invalid API key provided.'): ApiError {
    return new ApiError(401, 'authentication_error', 'api_key_invalid', message);
  }
}
