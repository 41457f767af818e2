import { runService } from '@platform/service-runtime';
import { paymentsEnvSchema } from './payments-config';
import { PaymentsModule } from './payments.module';

void runService({
  serviceName: 'payments',
  envSchema: paymentsEnvSchema,
  createModule: (config) => PaymentsModule.register(config),
  openApi: {
    title: 'Payments: operator API',
    description:
      'Read-only views of payments, payouts and the simulated processors\' books, and settlement runs (admin token). Amounts are strings of integer minor units; errors are {"error":{type,code,message,param}}.',
  },
});
