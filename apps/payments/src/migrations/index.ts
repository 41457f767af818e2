import { PaymentsTables1764100000000 } from './1764100000000-payments-tables';
import { PaymentLifecycleColumns1764200000000 } from './1764200000000-payment-lifecycle-columns';
import { PaymentDisputes1764200000100 } from './1764200000100-payment-disputes';

export const PAYMENTS_MIGRATIONS = [
  PaymentsTables1764100000000,
  PaymentLifecycleColumns1764200000000,
  PaymentDisputes1764200000100,
];
