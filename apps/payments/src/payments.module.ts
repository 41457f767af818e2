import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PlatformModule } from '@platform/service-runtime';
import { PAYMENTS_MIGRATIONS } from './migrations';
import { PaymentsOperatorController } from './operator-api/payments-operator.controller';
import { PaymentEventEntity } from './payment-lifecycle/payment-event.entity';
import { PaymentLifecycleConsumer } from './payment-lifecycle/payment-lifecycle.consumer';
import { PaymentLifecycle } from './payment-lifecycle/payment-lifecycle.service';
import { PaymentEntity } from './payment-lifecycle/payment.entity';
import { PaymentRepository } from './payment-lifecycle/payment.repository';
import { PAYMENTS_CONFIG, type PaymentsConfig } from './payments-config';
import { ProcessorRegistry } from './processors/processor-registry';
import { SimulatedProcessor } from './processors/simulated-processor';

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
      controllers: [PaymentsOperatorController],
      providers: [
        { provide: PAYMENTS_CONFIG, useValue: config },
        {
          provide: ProcessorRegistry,
          useFactory: () => new ProcessorRegistry([new SimulatedProcessor('simulated-a')]),
        },
        PaymentRepository,
        PaymentLifecycle,
        PaymentLifecycleConsumer,
      ],
    };
  }
}
