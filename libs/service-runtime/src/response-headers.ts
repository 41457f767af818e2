import type { NextFunction, Request, Response } from 'express';

/**
 * Headers every answer carries: never stored by a cache or proxy (answers hold API keys, webhook
 * secrets and account data; a route may still set its own Cache-Control), never sniffed as another
 * type, never framed by another site.
 */
export function securityHeaders(_request: Request, response: Response, next: NextFunction): void {
  response.setHeader('Cache-Control', 'no-store');
  response.setHeader('X-Content-Type-Options', 'nosniff');
  response.setHeader('X-Frame-Options', 'DENY');
  next();
}
