import 'reflect-metadata';
import type { DataSource } from 'typeorm';
import { PLATFORM_MIGRATIONS, createDataSource, runMigrations } from '@platform/db';
import { createScratchDatabase, type ScratchDatabase } from '@platform/testing';
import { entryPosted } from '../../../test-support/ledger-entries';
import type { LedgerEntryPosted } from '@platform/ledger-projection';
import { REPORTING_MIGRATIONS } from '../../migrations';
import { ReconciliationRepository } from '../../reconciliation/reconciliation.repository';
import { GenerationRepository } from './generation.repository';
import { generationSchema } from './generation-schema';
import { ProjectionStoreRepository } from './projection-store.repository';

const ENTRIES = 300;
const MERCHANTS = ['mer_storeAAAA0001', 'mer_storeBBBB0002', 'mer_storeCCCC0003'];
const KINDS = ['capture', 'capture', 'refund', 'payout', 'payout_paid', 'settlement'] as const;

describe('projection store against Postgres', () => {
  let database: ScratchDatabase;
  let dataSource: DataSource;
  const store = new ProjectionStoreRepository();

  beforeAll(async () => {
    database = await createScratchDatabase('reporting_store');
    dataSource = createDataSource({
      url: database.url,
      poolSize: 12,
      applicationName: 'reporting-store-int-spec',
      entities: [],
      migrations: [...PLATFORM_MIGRATIONS, ...REPORTING_MIGRATIONS],
    });
    await dataSource.initialize();
    await runMigrations(dataSource);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('ends with the same rows whatever the batching, concurrency and redelivery', async () => {
    const generations = new GenerationRepository(dataSource);
    const first = await generations.create();
    const second = await generations.create();
    expect([first?.status, second?.status]).toEqual(['active', 'building']);
    const entries: LedgerEntryPosted[] = Array.from(
      { length: ENTRIES },
      (_, i) =>
        entryPosted({
          sequence: i + 1,
          kind: KINDS[i % KINDS.length]!,
          merchantId: MERCHANTS[i % MERCHANTS.length]!,
          currency: i % 4 === 0 ? 'JPY' : 'USD',
          grossMinor: BigInt(100 + ((i * 7919) % 10_000)),
          feeMinor: BigInt(i % 30),
          method: i % 2 === 0 ? 'card' : 'wallet',
          occurredAt: new Date(Date.UTC(2025, 10, 20) + i * 400_000).toISOString(),
        }).data,
    );
    const one = generationSchema(first!.generation);
    const many = generationSchema(second!.generation);
    expect(await dataSource.transaction((m) => store.apply(m, one, entries))).toBe(ENTRIES);

    // Shuffled, cut into uneven batches, a third of them delivered twice, all at once.
    const shuffled = [...entries].sort(
      (a, b) => ((Number(a.sequence) * 7) % 13) - ((Number(b.sequence) * 7) % 13),
    );
    const batches: LedgerEntryPosted[][] = [];
    for (let start = 0, size = 1; start < shuffled.length; start += size, size = (size % 37) + 3) {
      batches.push(shuffled.slice(start, start + size));
    }
    const deliveries = [...batches, ...batches.filter((_, i) => i % 3 === 0)];
    const applied = await Promise.all(
      deliveries.map((batch) => dataSource.transaction((m) => store.apply(m, many, batch))),
    );
    expect(applied.reduce((sum, n) => sum + n, 0)).toBe(ENTRIES);

    const checkpoint = await store.checkpoint(dataSource.manager, many);
    expect(checkpoint).toEqual({
      contiguousSequence: BigInt(ENTRIES),
      lastSequence: BigInt(ENTRIES),
      eventsApplied: BigInt(ENTRIES),
      aheadCount: 0n,
    });
    const report = await new ReconciliationRepository(dataSource).reconcile(
      second!.generation,
      first!.generation,
    );
    expect(report.differences).toEqual([]);
    expect(report.checks).toEqual(expect.arrayContaining(['trial_balance', 'volume', 'rows:balances']));
  });

  it('keeps a gap open until the missing sequence arrives', async () => {
    const generations = new GenerationRepository(dataSource);
    await generations.swap((await generations.building())!.generation);
    const third = await generations.create();
    const schema = generationSchema(third!.generation);
    const entry = (sequence: number) =>
      entryPosted({ sequence, kind: 'capture', merchantId: MERCHANTS[0]!, grossMinor: 500n, feeMinor: 5n })
        .data;
    await dataSource.transaction((m) => store.apply(m, schema, [entry(1), entry(3), entry(4)]));
    expect(await store.checkpoint(dataSource.manager, schema)).toMatchObject({
      contiguousSequence: 1n,
      aheadCount: 2n,
    });
    await dataSource.transaction((m) => store.apply(m, schema, [entry(2), entry(3)]));
    expect(await store.checkpoint(dataSource.manager, schema)).toEqual({
      contiguousSequence: 4n,
      lastSequence: 4n,
      eventsApplied: 4n,
      aheadCount: 0n,
    });
  });
});
