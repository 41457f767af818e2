import { Module, type DynamicModule, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PlatformModule } from '@platform/service-runtime';
import { ApiKeyGuard } from './auth/api-key.guard';
import { GATEWAY_CONFIG, vaultKeyRingFrom, type GatewayConfig } from './gateway-config';
import { JsonBodyMiddleware } from './http/json-body.middleware';
import { MerchantEntity } from './merchants/merchant.entity';
import { MerchantsController } from './merchants/merchants.controller';
import { MerchantsRepository } from './merchants/merchants.repository';
import { GATEWAY_MIGRATIONS } from './migrations/1764100000000-gateway-tables';
import { CreatePaymentService } from './payments/create-payment.service';
import { PaymentEventsConsumer } from './payments/payment-events.consumer';
import { PaymentEntity } from './payments/payment.entity';
import { PaymentsController } from './payments/payments.controller';
import { PaymentsRepository } from './payments/payments.repository';
import { CardVaultEntity } from './vault/card-vault.entity';
import { CardVaultRepository } from './vault/card-vault.repository';
import { CardVault, VAULT_KEY_RING } from './vault/card-vault.service';

const ENTITIES = [MerchantEntity, CardVaultEntity, PaymentEntity];

@Module({})
export class GatewayModule implements NestModule {
  static register(config: GatewayConfig): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        PlatformModule.forRoot({
          serviceName: 'gateway',
          env: config,
          entities: ENTITIES,
          migrations: GATEWAY_MIGRATIONS,
        }),
        TypeOrmModule.forFeature(ENTITIES),
      ],
      controllers: [MerchantsController, PaymentsController],
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        { provide: VAULT_KEY_RING, useValue: vaultKeyRingFrom(config) },
        ApiKeyGuard,
        MerchantsRepository,
        PaymentsRepository,
        CardVaultRepository,
        CardVault,
        CreatePaymentService,
        PaymentEventsConsumer,
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(JsonBodyMiddleware).forRoutes(MerchantsController, PaymentsController);
  }
}
