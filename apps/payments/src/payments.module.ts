import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PlatformModule } from '@platform/service-runtime';
import { PAYMENTS_MIGRATIONS } from './migrations';
import { PaymentsOperatorController } from './operator-api/payments-operator.controller';
import { SimulatedProcessorsController } from './operator-api/simulated-processors.controller';
import { PaymentEventEntity } from './payment-lifecycle/payment-event.entity';
import { PaymentExpiryJob } from './payment-lifecycle/payment-expiry.job';
import { PaymentLifecycleConsumer } from './payment-lifecycle/payment-lifecycle.consumer';
import { PaymentLifecycle } from './payment-lifecycle/payment-lifecycle.service';
import { PaymentEntity } from './payment-lifecycle/payment.entity';
import { PaymentRepository } from './payment-lifecycle/payment.repository';
import { RiskTimeoutJob } from './payment-lifecycle/risk-timeout.job';
import { PAYMENTS_CONFIG, type PaymentsConfig } from './payments-config';
import { DailyPayoutsJob } from './payouts/daily-payouts.job';
import { LedgerEventsConsumer } from './payouts/ledger-events.consumer';
import { PayoutsOperatorController } from './payouts/payouts-operator.controller';
import { PayoutsRepository } from './payouts/payouts.repository';
import { PayoutsService } from './payouts/payouts.service';
import { ProcessorRegistry } from './processors/processor-registry';
import { createProcessorRegistry } from './processors/simulated-processors';
import { SettleCaptures } from './settlement/settle-captures.service';
import { SettlementJob } from './settlement/settlement.job';
import { ControlTotalsReporter } from './control-totals/control-totals.reporter';
import { ControlTotalsRepository } from './control-totals/control-totals.repository';
import { SettlementRepository } from './settlement/settlement.repository';
import { SettlementsOperatorController } from './settlement/settlements-operator.controller';
import { PaymentDeadlineMetricsJob } from './observability/payment-deadline-metrics.job';

const ENTITIES = [PaymentEntity, PaymentEventEntity];

@Module({})
export class PaymentsModule {
  static register(config: PaymentsConfig): DynamicModule {
    return {
      module: PaymentsModule,
      imports: [
        PlatformModule.forRoot({
          serviceName: 'payments',
          env: config,
          entities: ENTITIES,
          migrations: PAYMENTS_MIGRATIONS,
        }),
        TypeOrmModule.forFeature(ENTITIES),
      ],
      controllers: [
        PaymentsOperatorController,
        SimulatedProcessorsController,
        SettlementsOperatorController,
        PayoutsOperatorController,
      ],
      providers: [
        { provide: PAYMENTS_CONFIG, useValue: config },
        { provide: ProcessorRegistry, useFactory: () => createProcessorRegistry(config) },
        PaymentRepository,
        PaymentLifecycle,
        PaymentLifecycleConsumer,
        PaymentExpiryJob,
        RiskTimeoutJob,
        SettlementRepository,
        SettleCaptures,
        SettlementJob,
        ControlTotalsRepository,
        ControlTotalsReporter,
        PayoutsRepository,
        PayoutsService,
        LedgerEventsConsumer,
        DailyPayoutsJob,
        PaymentDeadlineMetricsJob,
      ],
    };
  }
}
