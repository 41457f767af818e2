import { randomUUID } from 'node:crypto';
import { createMigratedDatabase, type MigratedDatabase } from '@platform/testing';
import { GATEWAY_ENTITIES } from '../gateway-entities';
import { GATEWAY_MIGRATIONS } from '../migrations';
import { runWithIdempotencyClaim } from './idempotency-claim-context';
import { IdempotencyKeysRepository } from './idempotency-keys.repository';

/** Idempotency-Key claims, leases and recovery points against a real database. */

const MERCHANT = 'mer_0123456789abcdefghijklmn';
const TTL_HOURS = 24;
const LEASE_SECONDS = 10;
let db: MigratedDatabase;
let claims: IdempotencyKeysRepository;

const claim = (key: string, hash: string, holder = randomUUID()) =>
  claims.claim(MERCHANT, key, hash, holder, TTL_HOURS, LEASE_SECONDS);
/** The holder died long ago: its lease ran out. */
const expireLease = (key: string) =>
  db.dataSource.query(
    `UPDATE idempotency_keys SET lease_expires_at = now() - interval '1 second' WHERE idempotency_key = $1`,
    [key],
  );

beforeAll(async () => {
  db = await createMigratedDatabase('gateway_idempotency', {
    entities: GATEWAY_ENTITIES,
    migrations: GATEWAY_MIGRATIONS,
  });
  claims = new IdempotencyKeysRepository(db.dataSource);
  await db.dataSource.query(
    `INSERT INTO merchants (id, name, api_key_hash, api_key_last4) VALUES ($1, 'Claims', repeat('a', 64), 'aaaa')`,
    [MERCHANT],
  );
});

afterAll(async () => {
  await db.close();
});

describe('idempotency claims', () => {
  it('lets exactly one of many concurrent requests claim a key', async () => {
    const holder = randomUUID();
    const outcomes = await Promise.all(
      Array.from({ length: 8 }, (_, index) => claim('same-key', 'hash-1', index === 0 ? holder : undefined)),
    );
    expect(outcomes.filter((outcome) => outcome.outcome === 'claimed')).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome.outcome === 'in_progress')).toHaveLength(7);
    const [winner] = await db.dataSource.query(
      `SELECT holder_id FROM idempotency_keys WHERE idempotency_key = 'same-key'`,
    );
    await claims.complete(MERCHANT, 'same-key', winner?.holder_id ?? '', 200, { id: 'pay_1' });
    expect(await claim('same-key', 'hash-1')).toEqual({
      outcome: 'completed',
      requestHash: 'hash-1',
      responseStatus: 200,
      responseBody: { id: 'pay_1' },
    });
  });

  it('frees a released key and takes over an expired one', async () => {
    const first = randomUUID();
    expect(await claim('released', 'hash-1', first)).toEqual({ outcome: 'claimed', recovered: null });
    await claims.release(MERCHANT, 'released', first, false);
    const second = randomUUID();
    expect(await claim('released', 'hash-2', second)).toEqual({ outcome: 'claimed', recovered: null });
    await claims.complete(MERCHANT, 'released', second, 200, {});
    await db.dataSource.query(
      "UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE idempotency_key = 'released'",
    );
    expect(await claim('released', 'hash-3')).toEqual({ outcome: 'claimed', recovered: null });
  });

  it('takes over the key of a holder that died before writing, once its lease ran out', async () => {
    const dead = randomUUID();
    await claim('dead-before-write', 'hash-1', dead);
    expect(await claim('dead-before-write', 'hash-1')).toMatchObject({ outcome: 'in_progress' });
    await expireLease('dead-before-write');
    // Another body never takes it over: that is still a reuse of the key.
    expect(await claim('dead-before-write', 'hash-other')).toMatchObject({ outcome: 'in_progress' });
    const heir = randomUUID();
    expect(await claim('dead-before-write', 'hash-1', heir)).toEqual({ outcome: 'claimed', recovered: null });
    // The dead holder's late completion no longer counts; the heir's does.
    await claims.complete(MERCHANT, 'dead-before-write', dead, 500, { late: true });
    await claims.complete(MERCHANT, 'dead-before-write', heir, 200, { id: 'pay_heir' });
    expect(await claim('dead-before-write', 'hash-1')).toMatchObject({
      outcome: 'completed',
      responseBody: { id: 'pay_heir' },
    });
  });

  it('hands the recovery point of a holder that died after writing to the request that takes over', async () => {
    const dead = randomUUID();
    await claim('dead-after-write', 'hash-1', dead);
    await runWithIdempotencyClaim(
      { merchantId: MERCHANT, key: 'dead-after-write', holderId: dead, recovered: null },
      () =>
        db.dataSource.transaction((manager) =>
          claims.recordRecoveryPoint(manager, { kind: 'payment', paymentId: 'pay_written' }),
        ),
    );
    // A failure after the write keeps the claim: the write committed.
    await claims.release(MERCHANT, 'dead-after-write', dead, false);
    expect(await claim('dead-after-write', 'hash-1')).toMatchObject({ outcome: 'in_progress' });
    await expireLease('dead-after-write');
    expect(await claim('dead-after-write', 'hash-1')).toEqual({
      outcome: 'claimed',
      recovered: { kind: 'payment', paymentId: 'pay_written' },
    });
  });

  it('refuses the write of a holder whose key was taken over, so only one of them writes', async () => {
    const slow = randomUUID();
    await claim('taken-over', 'hash-1', slow);
    await expireLease('taken-over');
    await claim('taken-over', 'hash-1');
    const write = runWithIdempotencyClaim(
      { merchantId: MERCHANT, key: 'taken-over', holderId: slow, recovered: null },
      () =>
        db.dataSource.transaction((manager) =>
          claims.recordRecoveryPoint(manager, { kind: 'payment', paymentId: 'pay_late' }),
        ),
    );
    await expect(write).rejects.toMatchObject({ response: { error: { code: 'idempotency_key_in_use' } } });
    const [row] = await db.dataSource.query(
      `SELECT recovery FROM idempotency_keys WHERE idempotency_key = 'taken-over'`,
    );
    expect(row?.recovery).toBeNull();
  });
});

describe('idempotency sweep', () => {
  it('deletes claims older than the retention and past their TTL, and only those', async () => {
    for (const key of ['old-expired', 'old-still-replayable', 'new-expired', 'fresh']) {
      expect(await claim(key, 'hash-1')).toEqual({ outcome: 'claimed', recovered: null });
    }
    await db.dataSource.query(`
      UPDATE idempotency_keys SET created_at = now() - interval '25 hours', expires_at = now() - interval '1 hour'
      WHERE idempotency_key = 'old-expired'`);
    await db.dataSource.query(`
      UPDATE idempotency_keys SET created_at = now() - interval '25 hours', expires_at = now() + interval '1 hour'
      WHERE idempotency_key = 'old-still-replayable'`);
    await db.dataSource.query(`
      UPDATE idempotency_keys SET created_at = now() - interval '23 hours', expires_at = now() - interval '1 hour'
      WHERE idempotency_key = 'new-expired'`);
    expect(await claims.deleteExpired(24, 100)).toBe(1);
    const left: { idempotency_key: string }[] = await db.dataSource.query(
      `SELECT idempotency_key FROM idempotency_keys
       WHERE idempotency_key IN ('old-expired', 'old-still-replayable', 'new-expired', 'fresh')
       ORDER BY idempotency_key`,
    );
    expect(left.map((row) => row.idempotency_key)).toEqual(['fresh', 'new-expired', 'old-still-replayable']);
    expect(await claims.deleteExpired(24, 100)).toBe(0);
  });
});
