import { runService } from '@platform/service-runtime';
import { reportingEnvSchema } from './reporting-config';
import { ReportingModule } from './reporting.module';

void runService({
  serviceName: 'reporting',
  envSchema: reportingEnvSchema,
  createModule: (config) => ReportingModule.register(config),
  openApi: {
    title: 'Reporting',
    description:
      'Analyst reports rebuilt from the ledger (analyst token) and projection operations (admin token). ' +
      'Amounts are strings of integer minor units; errors are {"error":{type,code,message,param}}.',
  },
});
