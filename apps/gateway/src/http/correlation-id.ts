import { randomUUID } from 'node:crypto';
import type { Request } from 'express';

const CORRELATION_ID_PATTERN = /^[A-Za-z0-9._:-]{1,100}$/;

/** The caller's X-Correlation-Id (or X-Request-Id) when it is well formed, else a new uuid. */
export function correlationIdOf(request: Request): string {
  for (const header of ['x-correlation-id', 'x-request-id']) {
    const value = request.headers[header];
    if (typeof value === 'string' && CORRELATION_ID_PATTERN.test(value)) return value;
  }
  return randomUUID();
}
