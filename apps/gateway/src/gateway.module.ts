import { Module, type DynamicModule, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PlatformModule } from '@platform/service-runtime';
import { ApiKeysController } from './merchant-admin/api-keys.controller';
import { ApiKeysRepository } from './api-keys/api-keys.repository';
import { ApiKeyGuard } from './auth/api-key.guard';
import { BalanceController } from './balance/balance.controller';
import { BalanceRepository } from './balance/balance.repository';
import { BalanceTransactionsController } from './balance/balance-transactions.controller';
import { BalanceTransactionsRepository } from './balance/balance-transactions.repository';
import { LedgerEventsConsumer } from './balance/ledger-events.consumer';
import { DisputesController } from './disputes/disputes.controller';
import { ReviewsController } from './reviews/reviews.controller';
import { ReviewsRepository } from './reviews/reviews.repository';
import { CommandOutcomes } from './command-outcomes/command-outcome.service';
import { CommandOutcomesRepository } from './command-outcomes/command-outcomes.repository';
import { DisputesRepository } from './disputes/disputes.repository';
import { SubmitEvidenceService } from './disputes/submit-evidence.service';
import { EventsController } from './events/events.controller';
import { MerchantEventRecorder } from './events/merchant-event-recorder.service';
import { MerchantEventsRepository } from './events/merchant-events.repository';
import { GATEWAY_ENTITIES } from './gateway-entities';
import { GATEWAY_CONFIG, vaultKeyRingFrom, type GatewayConfig } from './gateway-config';
import { JsonBodyMiddleware } from './http/json-body.middleware';
import { IdempotencyKeysRepository } from './idempotency/idempotency-keys.repository';
import { IdempotencyInterceptor } from './idempotency/idempotency.interceptor';
import { CommandOutcomesSweeper } from './command-outcomes/command-outcomes.sweeper';
import { CommandRedelivery } from './command-outcomes/command-redelivery.service';
import { IdempotencySweeper } from './idempotency/idempotency-sweeper.service';
import { MerchantAdminService } from './merchant-admin/merchant-admin.service';
import { MerchantsController } from './merchant-admin/merchants.controller';
import { MerchantsRepository } from './merchants/merchants.repository';
import { MerchantReportsController } from './merchant-reports/merchant-reports.controller';
import { MerchantVolumeRepository } from './merchant-reports/merchant-volume.repository';
import { GATEWAY_MIGRATIONS } from './migrations';
import { CreatePaymentService } from './payments/create-payment.service';
import { PaymentCommandsService } from './payments/payment-commands.service';
import { PaymentEventsConsumer } from './read-model-updater/payment-events.consumer';
import { ReadModelSignals } from './read-model/read-model-signals';
import { OpenApiController } from './openapi/openapi.controller';
import { PaymentsController } from './payments/payments.controller';
import { PaymentsRepository } from './read-model/payments.repository';
import { PaymentSearchRepository } from './read-model/payment-search.repository';
import { PaymentSearchService } from './payments/payment-search.service';
import { TestHelpersController } from './payments/test-helpers.controller';
import { CreatePayoutService } from './payouts/create-payout.service';
import { PayoutsController } from './payouts/payouts.controller';
import { PayoutsRepository } from './payouts/payouts.repository';
import { RateLimitRepository } from './rate-limit/rate-limit.repository';
import { RateLimiter } from './rate-limit/rate-limiter.service';
import { CreateRefundService } from './refunds/create-refund.service';
import { RefundsController } from './refunds/refunds.controller';
import { RefundsRepository } from './refunds/refunds.repository';
import { CardVaultRepository } from './vault/card-vault.repository';
import { CardVault, VAULT_KEY_RING } from './vault/card-vault.service';
import { WebhookDeliveryWorker } from './webhooks/webhook-delivery.worker';
import { WebhookEndpointsController } from './webhooks/webhook-endpoints.controller';
import { WebhookSecrets } from './webhooks/webhook-secrets.service';
import { WebhooksRepository } from './webhooks/webhooks.repository';

export const GATEWAY_CONTROLLERS = [
  MerchantsController,
  ApiKeysController,
  PaymentsController,
  TestHelpersController,
  RefundsController,
  PayoutsController,
  DisputesController,
  ReviewsController,
  BalanceController,
  BalanceTransactionsController,
  EventsController,
  WebhookEndpointsController,
  MerchantReportsController,
];

@Module({})
export class GatewayModule implements NestModule {
  static register(config: GatewayConfig): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        PlatformModule.forRoot({
          serviceName: 'gateway',
          env: config,
          entities: GATEWAY_ENTITIES,
          migrations: GATEWAY_MIGRATIONS,
        }),
        TypeOrmModule.forFeature(GATEWAY_ENTITIES),
      ],
      controllers: [...GATEWAY_CONTROLLERS, OpenApiController],
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        { provide: VAULT_KEY_RING, useValue: vaultKeyRingFrom(config) },
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
        ApiKeyGuard,
        ApiKeysRepository,
        RateLimitRepository,
        RateLimiter,
        IdempotencyKeysRepository,
        IdempotencySweeper,
        CommandOutcomesSweeper,
        CommandRedelivery,
        MerchantsRepository,
        MerchantAdminService,
        PaymentsRepository,
        PaymentSearchRepository,
        PaymentSearchService,
        RefundsRepository,
        PayoutsRepository,
        DisputesRepository,
        ReviewsRepository,
        CommandOutcomesRepository,
        CommandOutcomes,
        BalanceRepository,
        BalanceTransactionsRepository,
        MerchantEventsRepository,
        WebhooksRepository,
        MerchantVolumeRepository,
        CardVaultRepository,
        CardVault,
        WebhookSecrets,
        CreatePaymentService,
        PaymentCommandsService,
        CreateRefundService,
        CreatePayoutService,
        SubmitEvidenceService,
        MerchantEventRecorder,
        PaymentEventsConsumer,
        ReadModelSignals,
        LedgerEventsConsumer,
        WebhookDeliveryWorker,
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(JsonBodyMiddleware).forRoutes(...GATEWAY_CONTROLLERS);
  }
}
