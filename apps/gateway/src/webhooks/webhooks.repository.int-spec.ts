import { randomUUID } from 'node:crypto';
import { createMigratedDatabase, type MigratedDatabase } from '@platform/testing';
import { MerchantEventEntity } from '../events/merchant-event.entity';
import { MerchantEventsRepository } from '../events/merchant-events.repository';
import { GATEWAY_ENTITIES } from '../gateway-entities';
import { GATEWAY_MIGRATIONS } from '../migrations';
import { WebhookEndpointEntity } from './webhook-endpoint.entity';
import { WebhooksRepository } from './webhooks.repository';

/** The Postgres queue behind webhooks, against a real database. */

const MERCHANT = 'mer_0123456789abcdefghijklmn';
let db: MigratedDatabase;
let webhooks: WebhooksRepository;

beforeAll(async () => {
  db = await createMigratedDatabase('gateway_queue', {
    entities: GATEWAY_ENTITIES,
    migrations: GATEWAY_MIGRATIONS,
  });
  webhooks = new WebhooksRepository(db.dataSource.getRepository(WebhookEndpointEntity));
  const events = new MerchantEventsRepository(db.dataSource.getRepository(MerchantEventEntity));
  await db.dataSource.query(
    `INSERT INTO merchants (id, name, api_key_hash, api_key_last4) VALUES ($1, 'Queue', repeat('a', 64), 'aaaa')`,
    [MERCHANT],
  );
  await webhooks.insertEndpoint({
    id: 'we_queue000000000000000000',
    merchantId: MERCHANT,
    url: 'http://127.0.0.1:9/hooks',
    enabledEvents: ['*'],
    description: null,
    secretKeyId: 'k1',
    secretIv: Buffer.alloc(12),
    secretCiphertext: Buffer.alloc(1),
    secretAuthTag: Buffer.alloc(16),
  });
  await db.dataSource.transaction(async (manager) => {
    for (let index = 0; index < 40; index += 1) {
      const eventId = `evt_queue${String(index).padStart(16, '0')}`;
      const deliveries = await events.insertAllAndFindSubscribers(manager, [
        {
          id: eventId,
          merchantId: MERCHANT,
          type: 'payment.captured',
          sourceEventId: randomUUID(),
          data: { object: {} },
        },
      ]);
      expect(deliveries).toEqual([
        { eventId, merchantId: MERCHANT, endpointId: 'we_queue000000000000000000' },
      ]);
      await webhooks.enqueueAll(manager, deliveries);
      // Enqueuing twice (a replayed event) queues nothing more.
      await webhooks.enqueueAll(manager, deliveries);
    }
  });
});

afterAll(async () => {
  await db.close();
});

describe('webhook delivery queue', () => {
  it('gives each due delivery to exactly one of several concurrent pollers', async () => {
    const batches = await Promise.all(Array.from({ length: 6 }, () => webhooks.leaseDue(10, 60_000)));
    const taken = batches.flat().map((delivery) => delivery.id);
    expect(taken.length).toBe(40);
    expect(new Set(taken).size).toBe(40);
    // Leased deliveries are not due again until the lease runs out.
    expect(await webhooks.leaseDue(10, 60_000)).toEqual([]);
  });

  it('reschedules a failed attempt, logs it, and delivers nothing twice once succeeded', async () => {
    await db.dataSource.query('UPDATE webhook_deliveries SET leased_until = NULL');
    const [delivery] = await webhooks.leaseDue(1, 60_000);
    if (delivery === undefined) throw new Error('nothing due');
    await webhooks.recordAttempt(
      delivery,
      { statusCode: 500, error: null, durationMs: 3, delivered: false },
      new Date(Date.now() + 60_000),
    );
    const [after] = await db.dataSource.query(
      'SELECT status, attempts FROM webhook_deliveries WHERE id = $1',
      [delivery.id],
    );
    expect(after).toEqual({ status: 'pending', attempts: 1 });
    const again = await webhooks.leaseDue(100, 60_000);
    expect(again.map((item) => item.id)).not.toContain(delivery.id);
    await webhooks.recordAttempt(
      { ...delivery, attempts: 1 },
      { statusCode: 200, error: null, durationMs: 2, delivered: true },
      null,
    );
    const log = await webhooks.deliveryLog(MERCHANT, delivery.endpointId, 100);
    expect(log.find((line) => line.id === delivery.id)).toMatchObject({ status: 'succeeded', attempts: 2 });
    const attempts = await db.dataSource.query(
      'SELECT attempt, status_code FROM webhook_delivery_attempts WHERE delivery_id = $1 ORDER BY attempt',
      [delivery.id],
    );
    expect(attempts).toEqual([
      { attempt: 1, status_code: 500 },
      { attempt: 2, status_code: 200 },
    ]);
  });
});

describe('webhook secret rotation', () => {
  it('keeps the rotated secret as the previous one until the overlap ends; another merchant gets nothing', async () => {
    const sealed = {
      secretKeyId: 'k2',
      secretIv: Buffer.alloc(12, 2),
      secretCiphertext: Buffer.alloc(2, 2),
      secretAuthTag: Buffer.alloc(16, 2),
    };
    expect(
      await webhooks.rotateSecret('mer_someoneelse00000000000', 'we_queue000000000000000000', sealed, 24),
    ).toBeNull();
    const rotated = await webhooks.rotateSecret(MERCHANT, 'we_queue000000000000000000', sealed, 24);
    expect(rotated).toMatchObject({
      secretKeyId: 'k2',
      secretCiphertext: Buffer.alloc(2, 2),
      previousSecretKeyId: 'k1',
      previousSecretCiphertext: Buffer.alloc(1),
    });
    const rows: { hours: string }[] = await db.dataSource.query(
      `SELECT round(extract(epoch FROM previous_secret_expires_at - now()) / 3600) AS hours
       FROM webhook_endpoints WHERE id = 'we_queue000000000000000000'`,
    );
    expect(rows.map((row) => Number(row.hours))).toEqual([24]);
  });
});
