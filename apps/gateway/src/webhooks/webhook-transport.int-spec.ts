import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebhookTargetRefused, guardedLookup, postWebhook, webhookTargetProblem } from './webhook-transport';

/** The webhook transport against a real HTTP receiver on 127.0.0.1 and the machine's real resolver. */

let server: Server;
let url: string;
const received: { body: string; signature: string | undefined }[] = [];

beforeAll(async () => {
  server = createServer((request: IncomingMessage, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        body: Buffer.concat(chunks).toString('utf8'),
        signature: request.headers['platform-signature'] as string | undefined,
      });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe('webhook transport', () => {
  it('delivers to a loopback receiver where private targets are allowed', async () => {
    const status = await postWebhook(url, { 'platform-signature': 't=1,v1=ab' }, '{"id":"evt_1"}', {
      timeoutMs: 5_000,
      allowPrivateTargets: true,
    });
    expect(status).toBe(204);
    expect(received).toEqual([{ body: '{"id":"evt_1"}', signature: 't=1,v1=ab' }]);
  });

  it('refuses a loopback receiver before connecting where they are not', async () => {
    received.length = 0;
    await expect(
      postWebhook(url, {}, '{"id":"evt_2"}', { timeoutMs: 5_000, allowPrivateTargets: false }),
    ).rejects.toBeInstanceOf(WebhookTargetRefused);
    expect(received).toEqual([]);
    expect(await webhookTargetProblem(url, false)).toMatch(/internal address \(127\.0\.0\.1\)/);
    expect(await webhookTargetProblem(url, true)).toBeNull();
  });

  it('refuses a name at the lookup the connection itself makes when it resolves to loopback', async () => {
    const lookup = guardedLookup(false);
    const outcome = await new Promise<{ error: Error | null; address: unknown }>((resolve) =>
      lookup('localhost', {}, (error, address) => resolve({ error, address })),
    );
    expect(outcome.error).toBeInstanceOf(WebhookTargetRefused);
    const allowed = await new Promise<{ error: Error | null; address: unknown }>((resolve) =>
      guardedLookup(true)('localhost', {}, (error, address) => resolve({ error, address })),
    );
    expect(allowed.error).toBeNull();
    expect(allowed.address).toEqual(expect.any(String));
  });

  it('calls a name that does not resolve a problem', async () => {
    expect(await webhookTargetProblem('https://no-such-host.invalid/hooks', true)).toMatch(
      /does not resolve/,
    );
  });
});
