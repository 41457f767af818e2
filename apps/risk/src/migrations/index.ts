import { RiskAssessments1764100000000 } from './1764100000000-risk-assessments';

export const RISK_MIGRATIONS = [RiskAssessments1764100000000];
