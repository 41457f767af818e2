import type { LookupAddress } from 'node:dns';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { isIP, type AddressInfo } from 'node:net';
import { parseWebhookAllowedTargets } from '../domain/webhook-targets';
import { INTERNAL_ADDRESSES } from '../../test-support/internal-addresses';
import {
  WebhookTargetRefused,
  guardedLookup,
  postWebhook,
  webhookTargetProblem,
  type ResolveAll,
} from './webhook-transport';

/**
 * The webhook transport against a real HTTP receiver on 127.0.0.1 and the machine's real resolver;
 * for the address forms no local resolver answers with, a resolver that returns them (what DNS
 * rebinding or a hostile DNS server would do), checked where the connection itself looks up.
 */

let server: Server;
let port: number;
let url: string;
const received: { body: string; signature: string | undefined }[] = [];
const NONE: ReadonlySet<string> = new Set();

/** A resolver that answers every name with the given address (a receiver-side attacker's DNS). */
function resolvingTo(address: string): ResolveAll {
  return () => Promise.resolve<LookupAddress[]>([{ address, family: isIP(address) }]);
}

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
  port = (server.address() as AddressInfo).port;
  url = `http://127.0.0.1:${port}/hooks`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  received.length = 0;
});

describe('webhook transport', () => {
  it('delivers to a loopback receiver whose host:port is allow-listed', async () => {
    const status = await postWebhook(url, { 'platform-signature': 't=1,v1=ab' }, '{"id":"evt_1"}', {
      timeoutMs: 5_000,
      allowedTargets: parseWebhookAllowedTargets(`127.0.0.1:${port}`),
    });
    expect(status).toBe(204);
    expect(received).toEqual([{ body: '{"id":"evt_1"}', signature: 't=1,v1=ab' }]);
  });

  it('refuses a loopback receiver before connecting when it is not, or another port is', async () => {
    for (const allowedTargets of [NONE, parseWebhookAllowedTargets(`127.0.0.1:${port + 1}`)]) {
      await expect(
        postWebhook(url, {}, '{"id":"evt_2"}', { timeoutMs: 5_000, allowedTargets }),
      ).rejects.toBeInstanceOf(WebhookTargetRefused);
      expect(await webhookTargetProblem(url, { allowedTargets })).toMatch(
        /internal address \(127\.0\.0\.1\)/,
      );
    }
    expect(received).toEqual([]);
    expect(
      await webhookTargetProblem(url, { allowedTargets: parseWebhookAllowedTargets(`127.0.0.1:${port}`) }),
    ).toBeNull();
  });

  it('refuses a name at the lookup the connection itself makes when it resolves to loopback', async () => {
    const outcome = await new Promise<{ error: Error | null; address: unknown }>((resolve) =>
      guardedLookup()('localhost', {}, (error, address) => resolve({ error, address })),
    );
    expect(outcome.error).toBeInstanceOf(WebhookTargetRefused);
  });

  describe.each(Object.entries(INTERNAL_ADDRESSES).filter(([kind]) => kind !== 'not an address'))(
    'a public-looking name that resolves to %s',
    (_kind, addresses) => {
      it.each(addresses.map((address) => address.replace(/^\[|\]$/g, '').replace(/%.*$/, '')))(
        'is refused at registration and at connect time when it resolves to %s',
        async (address) => {
          const resolve = resolvingTo(address);
          const target = `http://hooks.attacker.example:${port}/hooks`;
          expect(await webhookTargetProblem(target, { allowedTargets: NONE, resolve })).toMatch(
            /internal address/,
          );
          // The name passed at registration (DNS said something public then) and rebinds now.
          await expect(
            postWebhook(target, {}, '{"id":"evt_3"}', { timeoutMs: 5_000, allowedTargets: NONE, resolve }),
          ).rejects.toBeInstanceOf(WebhookTargetRefused);
          expect(received).toEqual([]);
        },
      );
    },
  );

  it('hands the connection the address when the name resolves to public addresses only', async () => {
    const outcome = await new Promise<{ error: Error | null; address: unknown }>((resolve) =>
      guardedLookup(resolvingTo('8.8.8.8'))('hooks.example.test', {}, (error, address) =>
        resolve({ error, address }),
      ),
    );
    expect(outcome).toEqual({ error: null, address: '8.8.8.8' });
  });

  it('calls a name that does not resolve a problem', async () => {
    expect(
      await webhookTargetProblem('https://no-such-host.invalid/hooks', { allowedTargets: NONE }),
    ).toMatch(/does not resolve/);
  });
});
