import {
  DEFAULT_AMOUNT_REFERENCE,
  ruleMatches,
  type AmountReference,
  type PaymentFacts,
  type RiskRule,
} from './risk-rules';

export type RiskDecision = 'approve' | 'review' | 'decline';

export interface RiskAssessment {
  readonly decision: RiskDecision;
  /** 0..100: the capped sum of the weights of the enforced rules that matched. */
  readonly score: number;
  /** Enforced rules that matched, as `<kind>:<id>`, in rule order. */
  readonly reasons: string[];
  /** Shadow rules that matched: observed only, they change neither decision nor score. */
  readonly shadowReasons: string[];
}

export const SCORE_MAX = 100;

export function reasonFor(rule: RiskRule): string {
  return `${rule.kind}:${rule.id}`;
}

/**
 * Assesses a payment against rules. Precedence, as in Stripe Radar: a matched allow rule approves
 * whatever else matched; otherwise a block rule declines; otherwise a review rule holds the
 * payment for review; with none of those it is approved.
 */
export function assess(
  facts: PaymentFacts,
  rules: readonly RiskRule[],
  reference: AmountReference = DEFAULT_AMOUNT_REFERENCE,
): RiskAssessment {
  const matched = rules.filter((rule) => ruleMatches(rule, facts, reference));
  const enforced = matched.filter((rule) => rule.mode === 'enforce');
  const shadow = matched.filter((rule) => rule.mode === 'shadow');
  const has = (action: RiskRule['action']) => enforced.some((rule) => rule.action === action);
  const decision: RiskDecision = has('allow')
    ? 'approve'
    : has('block')
      ? 'decline'
      : has('review')
        ? 'review'
        : 'approve';
  const weights = enforced.reduce((sum, rule) => sum + rule.weight, 0);
  return {
    decision,
    score: Math.min(SCORE_MAX, weights),
    reasons: enforced.map(reasonFor),
    shadowReasons: shadow.map(reasonFor),
  };
}
