import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { TOPICS, createEvent, encodeEvent } from '@platform/contracts';
import { TestNamespace, createMigratedDatabase, waitFor, type MigratedDatabase } from '@platform/testing';

const EVENT_COUNT = 300;
const FIXTURE = join(__dirname, '..', 'fixtures', 'idempotent-consumer-process.js');

describe('a consumer killed with SIGKILL in the middle of a batch', () => {
  let migrated: MigratedDatabase;
  let dataSource: DataSource;
  let bus: TestNamespace | undefined;
  const children: ChildProcess[] = [];

  const startConsumerProcess = async (): Promise<ChildProcess> => {
    if (bus === undefined) throw new Error('the test namespace was not created');
    const child = spawn(
      process.execPath,
      [FIXTURE, migrated.database.url, bus.namespace, TOPICS.riskEvents.name],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    children.push(child);
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await waitFor('the consumer process to join its group', 30_000, () => {
      if (child.exitCode !== null) throw new Error(`consumer process exited: ${output}`);
      return output.includes('consuming');
    });
    return child;
  };

  interface Counts {
    effects: number;
    distinct_events: number;
    processes: number;
  }
  const counts = async (): Promise<Counts> => {
    const [row] = await dataSource.query<Counts[]>(
      'SELECT count(*)::int AS effects, count(DISTINCT event_id)::int AS distinct_events, count(DISTINCT pid)::int AS processes FROM effects',
    );
    return row ?? { effects: 0, distinct_events: 0, processes: 0 };
  };

  beforeAll(async () => {
    migrated = await createMigratedDatabase('itest_crash', { entities: [], migrations: [] }, 2);
    dataSource = migrated.dataSource;
    // No unique constraint: a second application of an event would show as a second row.
    await dataSource.query('CREATE TABLE effects (event_id uuid NOT NULL, pid int NOT NULL)');
    bus = await TestNamespace.create({ name: 'itest-crash', read: [] });
    const correlationId = randomUUID();
    const messages = Array.from({ length: EVENT_COUNT }, (_, index) => {
      const paymentId = `pay_${String(index % 7).padStart(24, '0')}`;
      const event = createEvent(
        'risk.assessed',
        { paymentId, decision: 'approve', score: 0, reasons: [] },
        {
          aggregateId: paymentId,
          aggregateSequence: index + 1,
          merchantId: 'mer_crashtest001',
          correlationId,
          causationId: null,
        },
      );
      return { topic: TOPICS.riskEvents.name, key: paymentId, value: encodeEvent(event), headers: {} };
    });
    // One batch: every event is on the topic before the first consumer starts.
    await bus.producer.send(messages);
  });

  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await migrated.close();
    await bus?.close();
  });

  it('applies every event exactly once after a restart', async () => {
    const first = await startConsumerProcess();
    await waitFor(
      'the first process to apply some events',
      60_000,
      async () => (await counts()).effects >= 40,
    );
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    const atKill = await counts();
    expect(atKill.effects).toBeLessThan(EVENT_COUNT);

    await startConsumerProcess();
    const final = await waitFor('every event to be applied', 90_000, async () => {
      const now = await counts();
      return now.distinct_events === EVENT_COUNT ? now : undefined;
    });
    expect(final.effects).toBe(EVENT_COUNT);
    expect(final.processes).toBe(2);
  });
});
