import type { DynamicModule, Provider } from '@nestjs/common';
import { z } from 'zod';
import { loadConfig, serviceEnvShape } from '@platform/config';
import { OutboxPruneService } from './outbox-prune.service';
import { outboxRetentionHours, type PlatformOptions } from './platform-options';
import { PlatformModule } from './platform.module';

const schema = z.object(serviceEnvShape({ port: 3999, database: 'platform_test' }));

function platformOptions(env: NodeJS.ProcessEnv, outbox?: PlatformOptions['outbox']): PlatformOptions {
  return { serviceName: 'test', env: loadConfig('test', schema, env), entities: [], migrations: [], outbox };
}

const providersOf = (module: DynamicModule): Provider[] => module.providers ?? [];

describe('outbox pruning options', () => {
  it('keeps published rows for OUTBOX_RETENTION_HOURS, 168 (7 days) unless set', () => {
    expect(outboxRetentionHours(platformOptions({}))).toBe(168);
    expect(outboxRetentionHours(platformOptions({ OUTBOX_RETENTION_HOURS: '24' }))).toBe(24);
    expect(outboxRetentionHours(platformOptions({}, { prune: true }))).toBe(168);
  });

  it('keeps them for good when the service opts out, whatever the variable says', () => {
    expect(
      outboxRetentionHours(platformOptions({ OUTBOX_RETENTION_HOURS: '24' }, { prune: false })),
    ).toBeNull();
  });

  it('runs the pruner in a service that prunes, and not in one that opted out', () => {
    expect(providersOf(PlatformModule.forRoot(platformOptions({})))).toContain(OutboxPruneService);
    expect(providersOf(PlatformModule.forRoot(platformOptions({}, { prune: false })))).not.toContain(
      OutboxPruneService,
    );
  });
});
