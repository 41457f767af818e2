import { runService } from '@platform/service-runtime';
import { gatewayEnvSchema } from './gateway-config';
import { GatewayModule } from './gateway.module';

void runService({
  serviceName: 'gateway',
  envSchema: gatewayEnvSchema,
  createModule: (config) => GatewayModule.register(config),
  openApi: {
    title: 'Payment platform: merchant API',
    description:
      'Amounts are integers in minor units; currencies lower-case ISO 4217. Errors are ' +
      '{"error": {type, code, message, param}}. Every POST takes an Idempotency-Key.',
  },
});
