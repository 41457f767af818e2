import { ReportingVolume1764100000100 } from './1764100000100-reporting-volume';

export const REPORTING_MIGRATIONS = [ReportingVolume1764100000100];
