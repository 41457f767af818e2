import { PaymentsTables1764100000000 } from './1764100000000-payments-tables';

export const PAYMENTS_MIGRATIONS = [PaymentsTables1764100000000];
