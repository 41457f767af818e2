import type { Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { ApiErrorBody } from './api-error';

/**
 * What one slow or greedy client may hold of a service's HTTP server: seconds to send the headers
 * and the whole request (a body trickled a byte at a time no longer holds a connection for five
 * minutes), and the number of open connections (beyond, a new one is closed at once).
 * Errors Node answers itself (malformed request, headers too large, request timeout) get a JSON
 * body in the error shape instead of an empty one.
 */
export interface HttpServerLimits {
  readonly headersTimeoutSeconds: number;
  readonly requestTimeoutSeconds: number;
  readonly maxConnections: number;
}

/** Node looks for requests past their time at this interval; its 30 s default would stretch a 10 s limit to 40. */
const TIMEOUT_CHECK_INTERVAL_MS = 1_000;
/**
 * Idle connections are kept longer than clients and load balancers keep them (Node's 5 s default
 * makes a client reuse a socket the server is closing: "other side closed").
 */
const KEEP_ALIVE_TIMEOUT_MS = 65_000;

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  413: 'Payload Too Large',
  431: 'Request Header Fields Too Large',
};

/** A complete HTTP/1.1 response, written on the socket where Node has no response object. */
function rawResponse(status: number, body: ApiErrorBody): string {
  const json = JSON.stringify(body);
  return [
    `HTTP/1.1 ${status} ${REASONS[status] ?? 'Error'}`,
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(json)}`,
    'Cache-Control: no-store',
    'Connection: close',
    '',
    json,
  ].join('\r\n');
}

/** Status and error of what Node's parser or timers refused (error codes of llhttp and node:http). */
export function clientErrorAnswer(code: string | undefined): { status: number; body: ApiErrorBody } {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return {
        status: 431,
        body: {
          error: {
            type: 'invalid_request_error',
            code: 'headers_too_large',
            message: 'The request headers are too large.',
          },
        },
      };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return {
        status: 408,
        body: {
          error: {
            type: 'invalid_request_error',
            code: 'request_timeout',
            message: 'The request was not received in time.',
          },
        },
      };
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return {
        status: 413,
        body: {
          error: {
            type: 'invalid_request_error',
            code: 'body_too_large',
            message: 'The request chunk extensions are too large.',
          },
        },
      };
    default:
      return {
        status: 400,
        body: {
          error: {
            type: 'invalid_request_error',
            code: 'malformed_request',
            message: 'The request is not valid HTTP/1.1.',
          },
        },
      };
  }
}

function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  // The response of a request in flight may have started: another status line would corrupt it.
  const inFlight = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage;
  if (error.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent === true) {
    socket.destroy();
    return;
  }
  const { status, body } = clientErrorAnswer(error.code);
  socket.write(rawResponse(status, body), () => socket.destroy());
}

export function applyHttpServerLimits(server: Server, limits: HttpServerLimits): void {
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.headersTimeout = limits.headersTimeoutSeconds * 1000;
  server.requestTimeout = Math.max(limits.requestTimeoutSeconds, limits.headersTimeoutSeconds) * 1000;
  // Read when the server starts listening.
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval =
    TIMEOUT_CHECK_INTERVAL_MS;
  server.on('clientError', answerClientError);
  // Beyond the cap Node closes a new connection as soon as it is accepted, before reading a byte.
  server.maxConnections = limits.maxConnections;
}
