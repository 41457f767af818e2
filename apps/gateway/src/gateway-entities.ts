import { BalanceTransactionEntity } from './balance/balance-transaction.entity';
import { ApiKeyEntity } from './merchants/api-key.entity';
import { CommandOutcomeEntity } from './command-outcomes/command-outcome.entity';
import { DisputeEntity } from './disputes/dispute.entity';
import { MerchantEventEntity } from './events/merchant-event.entity';
import { MerchantEntity } from './merchants/merchant.entity';
import { PaymentEntity } from './read-model/payment.entity';
import { PayoutEntity } from './payouts/payout.entity';
import { RefundEntity } from './refunds/refund.entity';
import { CardVaultEntity } from './vault/card-vault.entity';
import { WebhookEndpointEntity } from './webhooks/webhook-endpoint.entity';

/** Every table the gateway maps with TypeORM (the others are reached through raw SQL in repositories). */
export const GATEWAY_ENTITIES = [
  MerchantEntity,
  ApiKeyEntity,
  CardVaultEntity,
  PaymentEntity,
  RefundEntity,
  MerchantEventEntity,
  WebhookEndpointEntity,
  PayoutEntity,
  DisputeEntity,
  CommandOutcomeEntity,
  BalanceTransactionEntity,
];
