import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { createEvent, type EventEnvelope } from '@platform/contracts';
import {
  PLATFORM_MIGRATIONS,
  createDataSource,
  ensureDatabaseExists,
  markEventProcessed,
  runMigrations,
} from '@platform/db';
import { REPORTING_MIGRATIONS } from '../../migrations';
import { CheckpointRepository } from '../checkpoints/checkpoint.repository';
import { REPORTING_ENTITIES } from '../reporting-entities';
import { VOLUME_PROJECTION, VolumeProjector } from './volume-projector';
import { VolumeRepository } from './volume.repository';

const ADMIN_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DATABASE = `test_reporting_volume_${process.pid}`;
const CONCURRENT_EVENTS = 40;

async function admin(sql: string): Promise<void> {
  const client = new Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function entryPosted(
  sequence: number,
  grossMinor: bigint,
  feeMinor: bigint,
): EventEnvelope<'ledger.entry_posted'> {
  const paymentId = `pay_${String(sequence).padStart(24, '0')}`;
  return createEvent(
    'ledger.entry_posted',
    {
      entryId: randomUUID(),
      sequence: String(sequence),
      hash: 'b'.repeat(64),
      kind: 'capture',
      sourceEventId: randomUUID(),
      postings: [
        {
          accountCode: 'processor_receivable:simulated-a:USD',
          accountType: 'asset',
          currency: 'USD',
          amountMinor: String(grossMinor),
        },
        {
          accountCode: 'merchant_pending:mer_abcdefgh:USD',
          accountType: 'liability',
          currency: 'USD',
          amountMinor: String(-(grossMinor - feeMinor)),
        },
        {
          accountCode: 'fee_revenue:USD',
          accountType: 'revenue',
          currency: 'USD',
          amountMinor: String(-feeMinor),
        },
      ],
      context: {
        merchantId: 'mer_abcdefgh',
        paymentId,
        paymentMethodType: 'card',
        currency: 'USD',
        grossAmountMinor: String(grossMinor),
        feeAmountMinor: String(feeMinor),
        occurredAt: '2025-11-20T10:00:00.000Z',
      },
    },
    {
      aggregateId: paymentId,
      aggregateSequence: 1,
      merchantId: 'mer_abcdefgh',
      correlationId: 'c',
      causationId: null,
    },
  );
}

describe('VolumeProjector against Postgres', () => {
  let dataSource: DataSource;
  let projector: VolumeProjector;
  let volumes: VolumeRepository;

  beforeAll(async () => {
    const url = new URL(ADMIN_URL);
    url.pathname = `/${DATABASE}`;
    await admin(`DROP DATABASE IF EXISTS ${DATABASE}`);
    await ensureDatabaseExists(url.toString());
    dataSource = createDataSource({
      url: url.toString(),
      poolSize: 20,
      applicationName: 'reporting-int-spec',
      entities: REPORTING_ENTITIES,
      migrations: [...PLATFORM_MIGRATIONS, ...REPORTING_MIGRATIONS],
    });
    await dataSource.initialize();
    await runMigrations(dataSource);
    volumes = new VolumeRepository(dataSource);
    projector = new VolumeProjector(volumes, new CheckpointRepository());
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await admin(`DROP DATABASE IF EXISTS ${DATABASE}`);
  });

  /** What EventConsumers does: the processed-event record and the effect in one transaction. */
  function consume(event: EventEnvelope<'ledger.entry_posted'>): Promise<void> {
    return dataSource.transaction(async (manager) => {
      if (!(await markEventProcessed(manager, 'reporting', event.id))) return;
      await projector.apply(event, manager);
    });
  }

  it('adds up concurrent events opening the same row, once each even when redelivered', async () => {
    const events = Array.from({ length: CONCURRENT_EVENTS }, (_, i) =>
      entryPosted(i + 1, 10_000n + BigInt(i), 320n),
    );
    await Promise.all([...events, ...events.slice(0, 10)].map(consume));
    const [row] = await volumes.find({ merchantId: 'mer_abcdefgh' }, 10);
    const grossMinor = events.reduce((sum, e) => sum + BigInt(e.data.context.grossAmountMinor), 0n);
    expect(row).toEqual({
      merchantId: 'mer_abcdefgh',
      day: '2025-11-20',
      currency: 'USD',
      paymentMethod: 'card',
      grossMinor,
      feeMinor: 320n * BigInt(CONCURRENT_EVENTS),
      netMinor: grossMinor - 320n * BigInt(CONCURRENT_EVENTS),
      captureCount: BigInt(CONCURRENT_EVENTS),
    });
    const [checkpoint] = await dataSource.query<{ last_sequence: string; events_applied: string }[]>(
      'SELECT last_sequence, events_applied FROM projection_checkpoints WHERE projection = $1',
      [VOLUME_PROJECTION],
    );
    expect(checkpoint).toEqual({
      last_sequence: String(CONCURRENT_EVENTS),
      events_applied: String(CONCURRENT_EVENTS),
    });
  });

  it('filters by day range and currency', async () => {
    expect(await volumes.find({ fromDay: '2025-11-21' }, 10)).toEqual([]);
    expect(await volumes.find({ toDay: '2025-11-20', currency: 'USD' }, 10)).toHaveLength(1);
    expect(await volumes.find({ currency: 'EUR' }, 10)).toEqual([]);
  });
});
