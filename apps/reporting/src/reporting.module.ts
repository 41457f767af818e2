import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule } from '@platform/service-runtime';
import { DashboardController } from './dashboard/dashboard.controller';
import { REPORTING_MIGRATIONS } from './migrations';
import { GenerationRepository } from './projections/generations/generation.repository';
import { ProjectionStoreRepository } from './projections/generations/projection-store.repository';
import { ProjectionsService } from './projections/projections.service';
import { ProjectionsController } from './rebuild/projections.controller';
import { ReconciliationMonitor } from './reconciliation/reconciliation-monitor.service';
import { ReconciliationController } from './reconciliation/reconciliation.controller';
import { ReconciliationRepository } from './reconciliation/reconciliation.repository';
import { ReconciliationService } from './reconciliation/reconciliation.service';
import { REPORTING_CONFIG, type ReportingConfig } from './reporting-config';
import { ProjectionLagService } from './reports/projection-lag.service';
import { ReportsController } from './reports/reports.controller';
import { ReportsRepository } from './reports/reports.repository';

@Module({})
export class ReportingModule {
  static register(config: ReportingConfig): DynamicModule {
    return {
      module: ReportingModule,
      imports: [
        PlatformModule.forRoot({
          serviceName: 'reporting',
          env: config,
          entities: [],
          migrations: REPORTING_MIGRATIONS,
        }),
      ],
      controllers: [ReportsController, ProjectionsController, ReconciliationController, DashboardController],
      providers: [
        { provide: REPORTING_CONFIG, useValue: config },
        GenerationRepository,
        ProjectionStoreRepository,
        ProjectionsService,
        ReportsRepository,
        ReconciliationRepository,
        ReconciliationService,
        ReconciliationMonitor,
        ProjectionLagService,
      ],
    };
  }
}
