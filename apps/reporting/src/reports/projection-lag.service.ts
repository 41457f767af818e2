import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { TOPICS } from '@platform/contracts';
import { consumerGroupLag, groupFor, topicFor } from '@platform/kafka';
import { KafkaConnection } from '@platform/service-runtime';
import { GenerationConsumer } from '../projections/generations/generation-consumer';

/** An answer waits this long for the broker at most; the page shows "unknown" rather than hang. */
const LAG_TIMEOUT_MS = 2_000;

/**
 * How many ledger events a generation's consumer group has not committed yet: the sum over the
 * partitions of ledger.events of (end offset − committed offset). Zero means the projection is
 * as fresh as the ledger's published events.
 */
type Admin = ReturnType<KafkaConnection['kafka']['admin']>;

@Injectable()
export class ProjectionLagService implements OnApplicationShutdown {
  private admin: Admin | null = null;

  constructor(private readonly connection: KafkaConnection) {}

  async onApplicationShutdown(): Promise<void> {
    await this.admin?.disconnect().catch(() => undefined);
    this.admin = null;
  }

  /** The lag in messages, or null when the broker did not answer in time. */
  async lagMessages(generation: number): Promise<string | null> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), LAG_TIMEOUT_MS);
    });
    try {
      return await Promise.race([this.read(generation), timeout]);
    } catch {
      await this.admin?.disconnect().catch(() => undefined);
      this.admin = null;
      return null;
    } finally {
      clearTimeout(timer);
    }
  }

  private async read(generation: number): Promise<string> {
    if (this.admin === null) {
      const admin = this.connection.kafka.admin();
      await admin.connect();
      this.admin = admin;
    }
    const { settings } = this.connection;
    const topic = topicFor(settings, TOPICS.ledgerEvents.name);
    const lag = await consumerGroupLag(
      this.admin,
      topic,
      groupFor(settings, GenerationConsumer.groupName(generation)),
    );
    return lag.toString();
  }
}
