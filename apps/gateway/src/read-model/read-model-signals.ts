import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Client } from 'pg';
import type { EntityManager } from 'typeorm';
import { GATEWAY_CONFIG, type GatewayConfig } from '../gateway-config';

/** The Postgres channel the read model's consumer notifies on commit, with the aggregate id. */
const CHANNEL = 'gateway_read_model';
const RECONNECT_DELAY_MS = 1_000;

/** A waiting request's ear for one aggregate: changes since the last wait are not lost. */
export interface ReadModelSubscription {
  /** Resolves when the aggregate changed since the last wait (at once if it already did), or after timeoutMs. */
  wait(timeoutMs: number): Promise<void>;
  close(): void;
}

interface Listener {
  changed: boolean;
  wake: (() => void) | null;
}

/**
 * Wakes requests waiting for the read model instead of having them poll it: the consumer that
 * applies payments' events calls notifyChanged in its transaction, Postgres delivers the
 * notification at commit to every gateway instance (whichever applied the event), and the waiting
 * request reads once. A lost connection falls back to the waiters' own timeouts until it is back.
 */
@Injectable()
export class ReadModelSignals implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('ReadModelSignals');
  private readonly listeners = new Map<string, Set<Listener>>();
  private client: Client | null = null;
  private stopping = false;

  constructor(@Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig) {}

  async onModuleInit(): Promise<void> {
    await this.listen();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.client?.end().catch(() => undefined);
    this.client = null;
  }

  /**
   * In the transaction that changed what these ids name (a payment, refund, payout, or the command
   * that caused the change): delivered to every instance on commit, one round trip for all.
   */
  static async notifyChanged(manager: EntityManager, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await manager.query('SELECT pg_notify($1, id) FROM unnest($2::text[]) AS id', [
      CHANNEL,
      [...new Set(ids)],
    ]);
  }

  /** Runs work with a signal that fires when anything named by ids changes; subscribed before it reads. */
  async whileWatching<T>(
    ids: readonly string[],
    work: (changed: (timeoutMs: number) => Promise<void>) => Promise<T>,
  ): Promise<T> {
    const subscription = this.subscribe(ids);
    try {
      return await work((timeoutMs) => subscription.wait(timeoutMs));
    } finally {
      subscription.close();
    }
  }

  subscribe(ids: readonly string[]): ReadModelSubscription {
    const listener: Listener = { changed: false, wake: null };
    for (const id of ids) {
      const set = this.listeners.get(id) ?? new Set<Listener>();
      set.add(listener);
      this.listeners.set(id, set);
    }
    return {
      wait: (timeoutMs) =>
        new Promise<void>((resolve) => {
          if (listener.changed) {
            listener.changed = false;
            resolve();
            return;
          }
          const timer = setTimeout(done, timeoutMs);
          function done() {
            clearTimeout(timer);
            listener.wake = null;
            listener.changed = false;
            resolve();
          }
          listener.wake = done;
        }),
      close: () => {
        listener.wake?.();
        for (const id of ids) {
          const set = this.listeners.get(id);
          set?.delete(listener);
          if (set?.size === 0) this.listeners.delete(id);
        }
      },
    };
  }

  private signal(aggregateId: string): void {
    for (const listener of this.listeners.get(aggregateId) ?? []) {
      listener.changed = true;
      listener.wake?.();
    }
  }

  private async listen(): Promise<void> {
    if (this.stopping) return;
    const client = new Client({ connectionString: this.config.DATABASE_URL, connectionTimeoutMillis: 5_000 });
    client.on('notification', (message) => {
      if (message.payload !== undefined) this.signal(message.payload);
    });
    client.on('error', (error) => {
      this.logger.warn(`read-model listener lost its connection: ${error.message}`);
      if (this.client === client) this.client = null;
      void client.end().catch(() => undefined);
      this.wakeEveryone();
      setTimeout(() => void this.listen(), RECONNECT_DELAY_MS);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
      this.client = client;
    } catch (error) {
      this.logger.warn(`read-model listener could not connect: ${(error as Error).message}`);
      await client.end().catch(() => undefined);
      setTimeout(() => void this.listen(), RECONNECT_DELAY_MS);
    }
  }

  /** Notifications may have been missed while the connection was down: let every waiter read. */
  private wakeEveryone(): void {
    for (const aggregateId of this.listeners.keys()) this.signal(aggregateId);
  }
}
