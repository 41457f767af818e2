import { runService } from '@platform/service-runtime';
import { riskEnvSchema } from './risk-config';
import { RiskModule } from './risk.module';

void runService({
  serviceName: 'risk',
  envSchema: riskEnvSchema,
  createModule: (config) => RiskModule.register(config),
});
