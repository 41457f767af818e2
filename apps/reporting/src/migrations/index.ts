import { ReportingVolume1764100000100 } from './1764100000100-reporting-volume';
import { ReportingGenerations1764200000600 } from './1764200000600-reporting-generations';

export const REPORTING_MIGRATIONS = [ReportingVolume1764100000100, ReportingGenerations1764200000600];
