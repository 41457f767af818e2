import { runService } from '@platform/service-runtime';
import { paymentsEnvSchema } from './payments-config';
import { PaymentsModule } from './payments.module';

void runService({
  serviceName: 'payments',
  envSchema: paymentsEnvSchema,
  createModule: (config) => PaymentsModule.register(config),
});
