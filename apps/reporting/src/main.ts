import { runService } from '@platform/service-runtime';
import { reportingEnvSchema } from './reporting-config';
import { ReportingModule } from './reporting.module';

void runService({
  serviceName: 'reporting',
  envSchema: reportingEnvSchema,
  createModule: (config) => ReportingModule.register(config),
});
