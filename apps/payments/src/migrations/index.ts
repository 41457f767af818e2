import { PaymentsTables1764100000000 } from './1764100000000-payments-tables';
import { PaymentLifecycleColumns1764200000000 } from './1764200000000-payment-lifecycle-columns';
import { PaymentDisputes1764200000100 } from './1764200000100-payment-disputes';
import { PaymentMethodsFxRiskDeadline1764300000000 } from './1764300000000-payment-methods-fx-risk-deadline';
import { SettlementsPayouts1764410000000 } from './1764410000000-settlements-payouts';
import { SettlementDeductions1764800000000 } from './1764800000000-settlement-deductions';
import { ControlReportWindows1765200000000 } from './1765200000000-control-report-windows';
import { PaymentsOffSession1765750000000 } from './1765750000000-payments-off-session';

export const PAYMENTS_MIGRATIONS = [
  PaymentsTables1764100000000,
  PaymentLifecycleColumns1764200000000,
  PaymentDisputes1764200000100,
  PaymentMethodsFxRiskDeadline1764300000000,
  SettlementsPayouts1764410000000,
  SettlementDeductions1764800000000,
  ControlReportWindows1765200000000,
  PaymentsOffSession1765750000000,
];
