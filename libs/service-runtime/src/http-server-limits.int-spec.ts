import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { waitFor } from '@platform/testing';
import { applyHttpServerLimits } from './http-server-limits';

/**
 * The HTTP limits on a real Node server over loopback, spoken to byte by byte with raw sockets:
 * what a slow or malformed client gets, and that connections beyond the cap are not kept.
 */

const HEADERS_TIMEOUT_SECONDS = 1;
const REQUEST_TIMEOUT_SECONDS = 2;
const MAX_CONNECTIONS = 3;
/** Named limit for the server to close a connection that broke a limit (the limits plus checking). */
const CLOSE_LIMIT_MS = 10_000;

let server: Server;
let port: number;
const sockets: Socket[] = [];

interface Conversation {
  readonly socket: Socket;
  /** Everything the server sent so far. */
  text(): string;
  closed(): boolean;
}

function open(): Promise<Conversation> {
  return new Promise((resolve, reject) => {
    let received = '';
    let closed = false;
    const socket = connect(port, '127.0.0.1');
    sockets.push(socket);
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('utf8')));
    socket.on('error', () => undefined);
    socket.on('close', () => (closed = true));
    socket.once('connect', () => resolve({ socket, text: () => received, closed: () => closed }));
    socket.once('error', reject);
  });
}

function statusAndBody(text: string): { status: number; body: unknown } {
  const [head = '', body = ''] = text.split('\r\n\r\n');
  return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]), body: JSON.parse(body) as unknown };
}

beforeAll(async () => {
  server = createServer((request, response) => {
    request.resume();
    request.on('end', () => response.writeHead(200, { 'content-type': 'text/plain' }).end('ok'));
  });
  applyHttpServerLimits(server, {
    headersTimeoutSeconds: HEADERS_TIMEOUT_SECONDS,
    requestTimeoutSeconds: REQUEST_TIMEOUT_SECONDS,
    maxConnections: MAX_CONNECTIONS,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterEach(() => {
  for (const socket of sockets.splice(0)) socket.destroy();
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe('HTTP server limits', () => {
  it.each([
    [
      'headers past 16 KiB with 431',
      `GET / HTTP/1.1\r\nHost: x\r\nX-Padding: ${'p'.repeat(20_000)}\r\n\r\n`,
      431,
      'headers_too_large',
    ],
    ['a request that is not HTTP with 400', 'NOT HTTP AT ALL\r\n\r\n', 400, 'malformed_request'],
    [
      'a client that never finishes its headers with 408',
      'GET / HTTP/1.1\r\nHost: x\r\n',
      408,
      'request_timeout',
    ],
  ])('answers %s in the error shape, and closes', async (_case, bytes, status, code) => {
    const conversation = await open();
    conversation.socket.write(bytes);
    await waitFor(`the ${status} and the close`, CLOSE_LIMIT_MS, () => conversation.closed());
    expect(statusAndBody(conversation.text())).toEqual({
      status,
      body: { error: { type: 'invalid_request_error', code, message: expect.any(String) } },
    });
  });

  it('closes with 408 a client that trickles its body a byte at a time', async () => {
    const conversation = await open();
    conversation.socket.write(
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n',
    );
    const trickle = setInterval(() => conversation.socket.write('x'), 200);
    try {
      await waitFor('the 408 and the close', CLOSE_LIMIT_MS, () => conversation.closed());
    } finally {
      clearInterval(trickle);
    }
    expect(statusAndBody(conversation.text())).toMatchObject({ status: 408 });
  });

  it('closes a connection that sends nothing at all', async () => {
    const conversation = await open();
    await waitFor('the idle connection to be closed', CLOSE_LIMIT_MS, () => conversation.closed());
  });

  it(`keeps at most ${MAX_CONNECTIONS} connections open, and serves again once one closes`, async () => {
    const held = await Promise.all(Array.from({ length: MAX_CONNECTIONS }, () => open()));
    // Each holds its slot with headers in progress.
    for (const conversation of held) conversation.socket.write('GET / HTTP/1.1\r\n');
    const refused = await open();
    refused.socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await waitFor('the connection beyond the cap to be closed', CLOSE_LIMIT_MS, () => refused.closed());
    expect(refused.text()).toBe('');
    for (const conversation of held) conversation.socket.destroy();
    await waitFor(
      'the held connections to be released',
      CLOSE_LIMIT_MS,
      () => new Promise<boolean>((resolve) => server.getConnections((_error, count) => resolve(count === 0))),
    );
    const served = await open();
    served.socket.write('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    await waitFor('the answer once a slot is free', CLOSE_LIMIT_MS, () => served.closed());
    expect(served.text()).toMatch(/^HTTP\/1\.1 200 /);
  });
});
