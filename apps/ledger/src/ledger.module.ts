import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule } from '@platform/service-runtime';
import { ControlReportsConsumer } from './control-totals/control-reports.consumer';
import { ControlTotalsCheck } from './control-totals/control-totals-check.service';
import { ControlTotalsRepository } from './control-totals/control-totals.repository';
import { PaymentEventsConsumer } from './event-posting/payment-events.consumer';
import { PostPaymentEvent } from './event-posting/post-payment-event';
import { JournalQueries } from './journal/journal-queries.repository';
import { JournalWriter } from './journal/journal-writer.repository';
import { LedgerStateRepository } from './journal/ledger-state.repository';
import { LEDGER_CONFIG, type LedgerConfig } from './ledger-config';
import { MerchantEventsConsumer } from './merchant-pricing/merchant-events.consumer';
import { LedgerMetricsRepository } from './observability/ledger-metrics.repository';
import { LedgerHeadSampleJob } from './observability/ledger-head-sample.job';
import { LedgerVerifyJob } from './observability/ledger-verify.job';
import { LEDGER_MIGRATIONS } from './migrations';
import { LedgerAdminController } from './read-api/ledger-admin.controller';
import { LedgerController } from './read-api/ledger.controller';
import { LedgerCommandsConsumer } from './republish/ledger-commands.consumer';
import { RepublishRepository } from './republish/republish.repository';
import { ReverseEntry } from './reversal/reverse-entry';

@Module({})
export class LedgerModule {
  static register(config: LedgerConfig): DynamicModule {
    return {
      module: LedgerModule,
      imports: [
        PlatformModule.forRoot({
          serviceName: 'ledger',
          env: config,
          entities: [],
          migrations: LEDGER_MIGRATIONS,
          // The outbox is the ledger's event log: republish re-sends entry_posted rows from it.
          outbox: { prune: false },
        }),
      ],
      controllers: [LedgerController, LedgerAdminController],
      providers: [
        { provide: LEDGER_CONFIG, useValue: config },
        JournalWriter,
        JournalQueries,
        LedgerStateRepository,
        RepublishRepository,
        PostPaymentEvent,
        ReverseEntry,
        PaymentEventsConsumer,
        LedgerCommandsConsumer,
        MerchantEventsConsumer,
        LedgerMetricsRepository,
        LedgerHeadSampleJob,
        LedgerVerifyJob,
        ControlTotalsRepository,
        ControlReportsConsumer,
        ControlTotalsCheck,
      ],
    };
  }
}
