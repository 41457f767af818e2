import { runService } from '@platform/service-runtime';
import { ledgerEnvSchema } from './ledger-config';
import { LedgerModule } from './ledger.module';

void runService({
  serviceName: 'ledger',
  envSchema: ledgerEnvSchema,
  createModule: (config) => LedgerModule.register(config),
});
