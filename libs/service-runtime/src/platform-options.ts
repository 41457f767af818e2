import type { ServiceEnv } from '@platform/config';
import type { DataSourceSettings } from '@platform/db';

export interface PlatformOptions {
  readonly serviceName: string;
  readonly env: ServiceEnv;
  readonly entities: DataSourceSettings['entities'];
  /** The app's own migrations; the platform tables (outbox, processed events) are added first. */
  readonly migrations: DataSourceSettings['migrations'];
}

export const PLATFORM_OPTIONS = Symbol('PLATFORM_OPTIONS');
