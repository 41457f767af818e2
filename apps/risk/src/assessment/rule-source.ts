import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { RuleSet } from '../domain/risk-rules';
import { effectiveRuleSet } from '../domain/rule-sets';
import { RuleSetRepository } from '../rules/rule-set.repository';

/**
 * The rules in force for a payment: the global set with the merchant's on top, read from the
 * database in the screening transaction itself. No cache: a change through the admin API applies
 * to the next payment on every risk instance, and the read (two rows by primary key) costs well
 * under a millisecond next to the assessment's other statements (see the README's figures).
 */
@Injectable()
export class RuleSource {
  constructor(private readonly ruleSets: RuleSetRepository) {}

  async rulesFor(manager: EntityManager, merchantId: string): Promise<RuleSet> {
    const { global, merchant } = await this.ruleSets.forMerchant(manager, merchantId);
    return effectiveRuleSet(global, merchant);
  }
}
