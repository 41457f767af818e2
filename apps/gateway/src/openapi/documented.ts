import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiOperation, ApiResponse } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { ERROR_SCHEMA } from './schemas';

export interface RouteDocumentation {
  readonly summary: string;
  readonly status: number;
  readonly response: SchemaObject;
  /** The success answer's media type when it is not JSON (a CSV report); errors stay JSON. */
  readonly responseMediaType?: string;
  /** The JSON body a POST takes. */
  readonly body?: SchemaObject;
  /** Error statuses the route may answer, besides 401 and 429 on authenticated routes. */
  readonly errors?: readonly number[];
  readonly authenticated?: boolean;
}

/** One decorator per route: what it does, what it takes, what it answers, how it fails. */
export function Documented(route: RouteDocumentation): MethodDecorator {
  const authenticated = route.authenticated ?? true;
  const errors = new Set([...(route.errors ?? []), 400, ...(authenticated ? [401, 429] : [401])]);
  return applyDecorators(
    ApiOperation({ summary: route.summary }),
    ...(authenticated ? [ApiBearerAuth()] : []),
    ...(route.body === undefined
      ? []
      : [
          ApiBody({ schema: route.body }),
          ApiHeader({
            name: 'Idempotency-Key',
            required: false,
            description: 'Replays the first answer for 24 h.',
          }),
        ]),
    route.responseMediaType === undefined
      ? ApiResponse({ status: route.status, schema: route.response })
      : ApiResponse({
          status: route.status,
          description: route.summary,
          content: { [route.responseMediaType]: { schema: route.response } },
        }),
    ...[...errors].map((status) => ApiResponse({ status, schema: ERROR_SCHEMA })),
  );
}
