import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PlatformModule } from '@platform/service-runtime';
import { REPORTING_MIGRATIONS } from './migrations';
import { CheckpointRepository } from './projections/checkpoints/checkpoint.repository';
import { LedgerEventsConsumer } from './projections/ledger-events.consumer';
import { REPORTING_ENTITIES } from './projections/reporting-entities';
import { VolumeProjector } from './projections/volume/volume-projector';
import { VolumeRepository } from './projections/volume/volume.repository';
import { REPORTING_CONFIG, type ReportingConfig } from './reporting-config';
import { ReportsController } from './reports/reports.controller';

@Module({})
export class ReportingModule {
  static register(config: ReportingConfig): DynamicModule {
    return {
      module: ReportingModule,
      imports: [
        PlatformModule.forRoot({
          serviceName: 'reporting',
          env: config,
          entities: REPORTING_ENTITIES,
          migrations: REPORTING_MIGRATIONS,
        }),
        TypeOrmModule.forFeature(REPORTING_ENTITIES),
      ],
      controllers: [ReportsController],
      providers: [
        { provide: REPORTING_CONFIG, useValue: config },
        VolumeRepository,
        CheckpointRepository,
        VolumeProjector,
        LedgerEventsConsumer,
      ],
    };
  }
}
