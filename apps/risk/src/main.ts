import { runService } from '@platform/service-runtime';
import { riskEnvSchema } from './risk-config';
import { RiskModule } from './risk.module';

void runService({
  serviceName: 'risk',
  envSchema: riskEnvSchema,
  createModule: (config) => RiskModule.register(config),
  openApi: {
    title: 'Risk: admin API',
    description:
      'Rules, block lists, the review queue and assessments (admin token). Errors are {"error":{type,code,message,param}}.',
  },
});
