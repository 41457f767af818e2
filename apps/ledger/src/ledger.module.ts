import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PlatformModule } from '@platform/service-runtime';
import { PaymentEventsConsumer } from './capture-posting/payment-events.consumer';
import { PostCapture } from './capture-posting/post-capture';
import { LEDGER_ENTITIES } from './journal/ledger-entities';
import { JournalRepository } from './journal/journal.repository';
import { LEDGER_CONFIG, type LedgerConfig } from './ledger-config';
import { LEDGER_MIGRATIONS } from './migrations';
import { LedgerController } from './read-api/ledger.controller';

@Module({})
export class LedgerModule {
  static register(config: LedgerConfig): DynamicModule {
    return {
      module: LedgerModule,
      imports: [
        PlatformModule.forRoot({
          serviceName: 'ledger',
          env: config,
          entities: LEDGER_ENTITIES,
          migrations: LEDGER_MIGRATIONS,
        }),
        TypeOrmModule.forFeature(LEDGER_ENTITIES),
      ],
      controllers: [LedgerController],
      providers: [
        { provide: LEDGER_CONFIG, useValue: config },
        JournalRepository,
        PostCapture,
        PaymentEventsConsumer,
      ],
    };
  }
}
