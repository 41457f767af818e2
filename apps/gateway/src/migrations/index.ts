import { GatewayTables1764100000000 } from './1764100000000-gateway-tables';
import { GatewayMerchantApi1764200000000 } from './1764200000000-gateway-merchant-api';
import { GatewayWebhooks1764300000000 } from './1764300000000-gateway-webhooks';
import { GatewayPayoutsDisputes1764400000000 } from './1764400000000-gateway-payouts-disputes';
import { GatewayPaymentMethods1764500000000 } from './1764500000000-gateway-payment-methods';
import { GatewaySettlementSecurity1764600000000 } from './1764600000000-gateway-settlement-security';
import { GatewayCommandRejections1764700000000 } from './1764700000000-gateway-command-rejections';
import { GatewayMerchantPricing1764900000000 } from './1764900000000-gateway-merchant-pricing';
import { GatewayCommandOutcomes1765000000000 } from './1765000000000-gateway-command-outcomes';
import { GatewayIdempotencyLeases1765100000000 } from './1765100000000-gateway-idempotency-leases';
import { GatewayBalanceTransactions1765260000000 } from './1765260000000-gateway-balance-transactions';
import { GatewayPaymentReviewCancellation1765400000000 } from './1765400000000-gateway-payment-review-cancellation';
import { GatewayMerchantVolume1765500000000 } from './1765500000000-gateway-merchant-volume';
import { GatewayPaymentSearch1765600000000 } from './1765600000000-gateway-payment-search';

export const GATEWAY_MIGRATIONS = [
  GatewayTables1764100000000,
  GatewayMerchantApi1764200000000,
  GatewayWebhooks1764300000000,
  GatewayPayoutsDisputes1764400000000,
  GatewayPaymentMethods1764500000000,
  GatewaySettlementSecurity1764600000000,
  GatewayCommandRejections1764700000000,
  GatewayMerchantPricing1764900000000,
  GatewayCommandOutcomes1765000000000,
  GatewayIdempotencyLeases1765100000000,
  GatewayBalanceTransactions1765260000000,
  GatewayPaymentReviewCancellation1765400000000,
  GatewayMerchantVolume1765500000000,
  GatewayPaymentSearch1765600000000,
];
