import type { DynamicModule, ValueProvider } from '@nestjs/common';
import { loadConfig } from '@platform/config';
import {
  PLATFORM_OPTIONS,
  PlatformModule,
  outboxRetentionHours,
  type PlatformOptions,
} from '@platform/service-runtime';
import { ledgerEnvSchema } from './ledger-config';
import { LedgerModule } from './ledger.module';

/** The platform options the ledger's module hands to PlatformModule. */
function ledgerPlatformOptions(env: NodeJS.ProcessEnv): PlatformOptions {
  const ledger = LedgerModule.register(loadConfig('ledger', ledgerEnvSchema, env));
  const platform = (ledger.imports ?? []).find(
    (imported): imported is DynamicModule =>
      typeof imported === 'object' && 'module' in imported && imported.module === PlatformModule,
  );
  const provider = platform?.providers?.find(
    (candidate): candidate is ValueProvider =>
      typeof candidate === 'object' && 'provide' in candidate && candidate.provide === PLATFORM_OPTIONS,
  );
  if (provider === undefined) throw new Error('LedgerModule does not import PlatformModule.forRoot');
  return provider.useValue as PlatformOptions;
}

describe('ledger outbox retention', () => {
  it('keeps every published outbox row, even with OUTBOX_RETENTION_HOURS set: republish reads them', () => {
    const options = ledgerPlatformOptions({ ADMIN_TOKEN: 'a'.repeat(32), OUTBOX_RETENTION_HOURS: '1' });
    expect(options.outbox).toEqual({ prune: false });
    expect(outboxRetentionHours(options)).toBeNull();
  });
});
