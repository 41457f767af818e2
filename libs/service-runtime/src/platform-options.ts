import type { ServiceEnv } from '@platform/config';
import type { DataSourceSettings } from '@platform/db';

export interface PlatformOptions {
  readonly serviceName: string;
  readonly env: ServiceEnv;
  readonly entities: DataSourceSettings['entities'];
  /** The app's own migrations; the platform tables (outbox, processed events) are added first. */
  readonly migrations: DataSourceSettings['migrations'];
  /**
   * Published outbox rows are pruned after OUTBOX_RETENTION_HOURS unless `prune: false`: a
   * service whose outbox is its event log (the ledger republishes from it) keeps every row.
   */
  readonly outbox?: { readonly prune: boolean };
}

export const PLATFORM_OPTIONS = Symbol('PLATFORM_OPTIONS');

/** How long the service keeps published outbox rows, in hours; null when it keeps them for good. */
export function outboxRetentionHours(options: Pick<PlatformOptions, 'env' | 'outbox'>): number | null {
  return options.outbox?.prune === false ? null : options.env.OUTBOX_RETENTION_HOURS;
}
