import { runService } from '@platform/service-runtime';
import { ledgerEnvSchema } from './ledger-config';
import { LedgerModule } from './ledger.module';

void runService({
  serviceName: 'ledger',
  envSchema: ledgerEnvSchema,
  createModule: (config) => LedgerModule.register(config),
  openApi: {
    title: 'Ledger: read and operator API',
    description:
      'Trial balance, entries, balances, statements, the hash chain, pricing, republish and reversals (admin token). Amounts are strings of integer minor units; errors are {"error":{type,code,message,param}}.',
  },
});
