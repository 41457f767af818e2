import { RiskAssessments1764100000000 } from './1764100000000-risk-assessments';
import { RiskReviewQueue1764200000000 } from './1764200000000-risk-review-queue';
import { RiskRulesListsVelocity1764500000000 } from './1764500000000-risk-rules-lists-velocity';
import { RiskHashedScreenedKeys1765100000000 } from './1765100000000-risk-hashed-screened-keys';

export const RISK_MIGRATIONS = [
  RiskAssessments1764100000000,
  RiskReviewQueue1764200000000,
  RiskRulesListsVelocity1764500000000,
  RiskHashedScreenedKeys1765100000000,
];
