import { DEFAULT_RULE_SET, validateRuleSet, type RuleSet } from '../domain/risk-rules';

/** Where the rules in force come from: the defaults in code until the admin API manages them. */
export class RuleSource {
  private readonly ruleSet: RuleSet;

  constructor(ruleSet: RuleSet = DEFAULT_RULE_SET) {
    const problems = validateRuleSet(ruleSet);
    if (problems.length > 0)
      throw new Error(`invalid risk rules ${ruleSet.version}:\n  ${problems.join('\n  ')}`);
    this.ruleSet = ruleSet;
  }

  current(): RuleSet {
    return this.ruleSet;
  }
}
