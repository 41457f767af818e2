import { runService } from '@platform/service-runtime';
import { gatewayEnvSchema } from './gateway-config';
import { GatewayModule } from './gateway.module';

void runService({
  serviceName: 'gateway',
  envSchema: gatewayEnvSchema,
  createModule: (config) => GatewayModule.register(config),
});
