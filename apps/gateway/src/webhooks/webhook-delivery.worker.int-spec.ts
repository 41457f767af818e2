import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '@platform/config';
import { createMigratedDatabase, type MigratedDatabase } from '@platform/testing';
import { VaultKeyRing } from '../domain/card-vault-crypto';
import { verifyWebhookSignature } from '../domain/webhook-signing';
import { GATEWAY_ENTITIES } from '../gateway-entities';
import { gatewayEnvSchema } from '../gateway-config';
import { GATEWAY_MIGRATIONS } from '../migrations';
import { WebhookDeliveryWorker } from './webhook-delivery.worker';
import { WebhookEndpointEntity } from './webhook-endpoint.entity';
import { WebhookSecrets } from './webhook-secrets.service';
import { WebhooksRepository } from './webhooks.repository';

/**
 * The delivery worker against real Postgres and a real receiver on 127.0.0.1: a target that is
 * not allowed is recorded as a failed attempt without a connection; once allowed, the delivery
 * after a secret rotation carries signatures under both secrets.
 */

const MERCHANT = 'mer_delivery00000000000000';
const ENDPOINT = 'we_delivery000000000000000';
const ENV = {
  ADMIN_TOKEN: 'adm_0123456789abcdef',
  VAULT_KEYS: `k1:${randomBytes(32).toString('base64')}`,
  VAULT_ACTIVE_KEY_ID: 'k1',
  CARD_FINGERPRINT_SECRET: 'fp_0123456789abcdef',
};

let db: MigratedDatabase;
let server: Server;
let webhooks: WebhooksRepository;
let secrets: WebhookSecrets;
const received: { body: string; signature: string }[] = [];

/** A worker whose allow-list names the receiver, or (false) is empty as by default. */
function worker(receiverAllowed: boolean): WebhookDeliveryWorker {
  const config = loadConfig('gateway', gatewayEnvSchema, {
    ...ENV,
    WEBHOOK_ALLOWED_TARGETS: receiverAllowed ? `127.0.0.1:${(server.address() as AddressInfo).port}` : '',
  });
  return new WebhookDeliveryWorker(config, webhooks, secrets);
}

async function deliveryRow(): Promise<{ status: string; attempts: number; last_error: string | null }> {
  const rows: { status: string; attempts: number; last_error: string | null }[] = await db.dataSource.query(
    'SELECT status, attempts, last_error FROM webhook_deliveries WHERE endpoint_id = $1',
    [ENDPOINT],
  );
  const [row] = rows;
  if (row === undefined || rows.length !== 1) throw new Error(`expected one delivery, found ${rows.length}`);
  return row;
}

beforeAll(async () => {
  db = await createMigratedDatabase('gateway_delivery', {
    entities: GATEWAY_ENTITIES,
    migrations: GATEWAY_MIGRATIONS,
  });
  const config = loadConfig('gateway', gatewayEnvSchema, ENV);
  secrets = new WebhookSecrets(new VaultKeyRing(config.VAULT_KEYS, config.VAULT_ACTIVE_KEY_ID));
  webhooks = new WebhooksRepository(db.dataSource.getRepository(WebhookEndpointEntity));
  server = createServer((request: IncomingMessage, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        body: Buffer.concat(chunks).toString('utf8'),
        signature: String(request.headers['platform-signature'] ?? ''),
      });
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  await db.dataSource.query(
    `INSERT INTO merchants (id, name, api_key_hash, api_key_last4) VALUES ($1, 'Delivery', repeat('b', 64), 'bbbb')`,
    [MERCHANT],
  );
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await db.close();
});

describe('webhook delivery worker', () => {
  it('records a refused target as a failed attempt, then delivers signed under both secrets once allowed', async () => {
    const firstSecret = 'whsec_first0000000000000000000000000';
    await webhooks.insertEndpoint({
      id: ENDPOINT,
      merchantId: MERCHANT,
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
      enabledEvents: ['*'],
      description: null,
      ...secrets.seal(ENDPOINT, firstSecret),
    });
    await db.dataSource.transaction(async (manager) => {
      await manager.query(
        `INSERT INTO merchant_events (id, merchant_id, type, source_event_id, data)
         VALUES ('evt_delivery0000000000000', $1, 'payment.captured', gen_random_uuid(), '{"object":{}}')`,
        [MERCHANT],
      );
      await webhooks.enqueueAll(manager, [
        { eventId: 'evt_delivery0000000000000', merchantId: MERCHANT, endpointId: ENDPOINT },
      ]);
    });

    expect(await worker(false).pollOnce()).toBe(1);
    expect(received).toEqual([]);
    const refused = await deliveryRow();
    expect(refused).toMatchObject({ status: 'pending', attempts: 1 });
    expect(refused.last_error).toMatch(/^target refused: .*127\.0\.0\.1/);

    const secondSecret = 'whsec_second000000000000000000000000';
    await webhooks.rotateSecret(MERCHANT, ENDPOINT, secrets.seal(ENDPOINT, secondSecret), 24);
    await db.dataSource.query(
      'UPDATE webhook_deliveries SET next_attempt_at = now() WHERE endpoint_id = $1',
      [ENDPOINT],
    );
    expect(await worker(true).pollOnce()).toBe(1);
    expect(await deliveryRow()).toMatchObject({ status: 'succeeded', attempts: 2 });
    const [delivered] = received;
    if (delivered === undefined) throw new Error('nothing delivered');
    const now = Math.floor(Date.now() / 1000);
    expect(verifyWebhookSignature(secondSecret, delivered.signature, delivered.body, now, 300)).toBe(true);
    expect(verifyWebhookSignature(firstSecret, delivered.signature, delivered.body, now, 300)).toBe(true);
  });
});
