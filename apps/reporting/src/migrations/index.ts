import { ReportingVolume1764100000100 } from './1764100000100-reporting-volume';
import { ReportingGenerations1764200000600 } from './1764200000600-reporting-generations';
import { ReportingVolumeDisputes1765100000000 } from './1765100000000-reporting-volume-disputes';
import { ReportingSettlementCurrency1765200000000 } from './1765200000000-reporting-settlement-currency';

export const REPORTING_MIGRATIONS = [
  ReportingVolume1764100000100,
  ReportingGenerations1764200000600,
  ReportingVolumeDisputes1765100000000,
  ReportingSettlementCurrency1765200000000,
];
