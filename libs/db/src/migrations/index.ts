import { PlatformTables1764000000000 } from './1764000000000-platform-tables';
import { OutboxPublishedIndex1764900000000 } from './1764900000000-outbox-published-index';

/** The platform's tables, migrated by every service before its own. */
export const PLATFORM_MIGRATIONS = [PlatformTables1764000000000, OutboxPublishedIndex1764900000000];
