import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import type { EventProducer, OutgoingMessage } from '@platform/kafka';

export interface OutboxRelayOptions {
  readonly databaseUrl: string;
  readonly batchSizeMax?: number;
  /** Fallback poll when no notification arrives (a lost LISTEN connection, say); 5 s unless set. */
  readonly pollIntervalMs?: number;
  readonly retryDelayMs?: number;
  readonly log?: (level: 'error' | 'warn' | 'info', message: string, extra?: object) => void;
}

interface OutboxRow {
  id: string;
  topic: string;
  message_key: string;
  payload: unknown;
  headers: Record<string, string>;
}

const RELAY_LOCK_KEY = 7_270_002;
const LISTEN_RETRY_MS = 1_000;

/**
 * Publishes committed outbox rows to Kafka in id order. It selects rows by "not yet published",
 * never by a position, so a transaction that commits late is still published. One relay runs at a
 * time per database (advisory lock), which keeps per-key order; publishing is at least once and
 * consumers drop duplicates by event id.
 */
export class OutboxRelay {
  private running = false;
  private wake: (() => void) | null = null;
  private pending = false;
  private listener: Client | null = null;
  private loop: Promise<void> | null = null;
  private readonly batchSizeMax: number;
  private readonly pollIntervalMs: number;
  private readonly retryDelayMs: number;

  constructor(
    private readonly dataSource: DataSource,
    private readonly producer: EventProducer,
    private readonly options: OutboxRelayOptions,
  ) {
    this.batchSizeMax = options.batchSizeMax ?? 200;
    this.pollIntervalMs = options.pollIntervalMs ?? 5_000;
    this.retryDelayMs = options.retryDelayMs ?? 500;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.notify();
    await this.loop;
    this.loop = null;
  }

  /** Publishes one batch; returns how many rows it published (0 when another relay holds the lock). */
  async relayOnce(): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      // Marking rows published is only a hint: a mark lost in a database crash publishes them again,
      // and consumers drop duplicates by event id. So this commit need not wait for the WAL flush.
      const locks: { locked: boolean }[] = await manager.query(
        `SELECT pg_try_advisory_xact_lock($1) AS locked, set_config('synchronous_commit', 'off', true)`,
        [RELAY_LOCK_KEY],
      );
      if (locks[0]?.locked !== true) return 0;
      const rows: OutboxRow[] = await manager.query(
        `SELECT id, topic, message_key, payload, headers FROM outbox
          WHERE published_at IS NULL ORDER BY id LIMIT $1`,
        [this.batchSizeMax],
      );
      if (rows.length === 0) return 0;
      const messages: OutgoingMessage[] = rows.map((row) => ({
        topic: row.topic,
        key: row.message_key,
        value: JSON.stringify(row.payload),
        headers: row.headers,
      }));
      await this.producer.send(messages);
      await manager.query('UPDATE outbox SET published_at = now() WHERE id = ANY($1::bigint[])', [
        rows.map((row) => row.id),
      ]);
      return rows.length;
    });
  }

  private notify(): void {
    this.pending = true;
    this.wake?.();
  }

  private async run(): Promise<void> {
    await this.listen();
    while (this.running) {
      this.pending = false;
      let published = 0;
      try {
        published = await this.relayOnce();
      } catch (error) {
        this.options.log?.('warn', 'outbox relay failed, retrying', { error: (error as Error).message });
        await this.sleep(this.retryDelayMs);
        continue;
      }
      if (published === this.batchSizeMax || this.pending) continue;
      await this.sleep(this.pollIntervalMs);
    }
    await this.listener?.end().catch(() => undefined);
    this.listener = null;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = null;
        done();
      };
    });
  }

  /** LISTEN for inserts so events go out within milliseconds; polling covers a lost connection. */
  private async listen(): Promise<void> {
    const client = new Client({ connectionString: this.options.databaseUrl, connectionTimeoutMillis: 5_000 });
    client.on('notification', () => this.notify());
    client.on('error', (error) => {
      this.options.log?.('warn', 'outbox listener lost its connection', { error: error.message });
      this.listener = null;
      if (this.running) setTimeout(() => void this.listen(), LISTEN_RETRY_MS);
    });
    try {
      await client.connect();
      await client.query('LISTEN outbox');
      this.listener = client;
    } catch (error) {
      this.options.log?.('warn', 'outbox listener could not connect; polling', {
        error: (error as Error).message,
      });
      await client.end().catch(() => undefined);
      if (this.running) setTimeout(() => void this.listen(), LISTEN_RETRY_MS);
    }
  }
}
