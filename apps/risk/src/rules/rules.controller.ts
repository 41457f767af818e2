import { Body, Controller, Get, Headers, Param, Put, Query, UseGuards } from '@nestjs/common';
import { ApiError, bearerTokenGuard } from '@platform/service-runtime';
import { actorOf, merchantScope, unixSeconds } from '../admin/admin-request';
import { effectiveRuleSet, type RuleScope } from '../domain/rule-sets';
import { ruleToWire, rulesFromWire, type WireRule } from '../domain/rule-wire';
import { RISK_CONFIG } from '../risk-config';
import { HistoryQueryDto, PutRulesDto } from './rules.dto';
import { RuleSetRepository, type RuleSetRecord } from './rule-set.repository';

export interface RuleSetView {
  readonly object: 'rule_set';
  readonly scope: RuleScope;
  /** 0 for a merchant without rules of its own. */
  readonly version: number;
  readonly rules: readonly WireRule[];
  readonly changed_by: string | null;
  readonly changed: number | null;
}

function toView(scope: RuleScope, record: RuleSetRecord | null): RuleSetView {
  return {
    object: 'rule_set',
    scope,
    version: record?.version ?? 0,
    rules: (record?.rules ?? []).map(ruleToWire),
    changed_by: record?.changedBy ?? null,
    changed: record === null ? null : unixSeconds(record.changedAt),
  };
}

/**
 * Risk rules as data (ADMIN_TOKEN): the global set, and each merchant's set on top of it (a
 * merchant rule replaces the global rule of the same id, others are added). A PUT replaces the
 * scope's whole set with a new version, recorded in the history with who (X-Actor) and when; it
 * applies to the next payment screened, on every instance.
 */
@Controller('v1')
@UseGuards(bearerTokenGuard(RISK_CONFIG, 'ADMIN_TOKEN'))
export class RulesController {
  constructor(private readonly ruleSets: RuleSetRepository) {}

  @Get('rules')
  async getGlobal(): Promise<RuleSetView> {
    return toView('global', await this.ruleSets.find('global'));
  }

  @Put('rules')
  putGlobal(@Body() body: PutRulesDto, @Headers('x-actor') actor?: string): Promise<RuleSetView> {
    return this.replace('global', body, actor);
  }

  @Get('rules/history')
  globalHistory(@Query() query: HistoryQueryDto) {
    return this.history('global', query);
  }

  /** The merchant's own set, and what is in force for it (global with the merchant's on top). */
  @Get('merchants/:merchantId/rules')
  async getMerchant(
    @Param('merchantId') merchantId: string,
  ): Promise<RuleSetView & { effective: { version: string; rules: WireRule[] } }> {
    const scope = merchantScope(merchantId);
    const [global, merchant] = await Promise.all([this.ruleSets.find('global'), this.ruleSets.find(scope)]);
    if (global === null) throw new Error('risk_rule_sets has no global rule set: was it migrated?');
    const effective = effectiveRuleSet(global, merchant);
    return {
      ...toView(scope, merchant),
      effective: { version: effective.version, rules: effective.rules.map(ruleToWire) },
    };
  }

  @Put('merchants/:merchantId/rules')
  putMerchant(
    @Param('merchantId') merchantId: string,
    @Body() body: PutRulesDto,
    @Headers('x-actor') actor?: string,
  ): Promise<RuleSetView> {
    return this.replace(merchantScope(merchantId), body, actor);
  }

  @Get('merchants/:merchantId/rules/history')
  merchantHistory(@Param('merchantId') merchantId: string, @Query() query: HistoryQueryDto) {
    return this.history(merchantScope(merchantId), query);
  }

  private async replace(
    scope: RuleScope,
    body: PutRulesDto,
    actor: string | undefined,
  ): Promise<RuleSetView> {
    const changedBy = actorOf(actor);
    const parsed = rulesFromWire(body.rules.map((rule) => ({ ...rule })));
    if ('problem' in parsed) {
      const { index, param, message } = parsed.problem;
      // `params[amount_minor]` of rule 2 is `rules[2][params][amount_minor]`, as the validation pipe names params.
      const where = `rules[${index}]${param.replace(/^([a-z_]+)/, '[$1]')}`;
      throw new ApiError(
        400,
        'invalid_request_error',
        'parameter_invalid',
        `Invalid ${where}: ${message}`,
        where,
      );
    }
    const outcome = await this.ruleSets.replace(scope, parsed.rules, body.expected_version, changedBy);
    if (outcome.kind === 'version_conflict') {
      throw new ApiError(
        409,
        'invalid_request_error',
        'rule_set_version_conflict',
        `The rules of ${scope} are at version ${outcome.currentVersion}, not ${body.expected_version}: read them again.`,
        'expected_version',
      );
    }
    return toView(scope, outcome.record);
  }

  private async history(scope: RuleScope, query: HistoryQueryDto) {
    const limit = query.limit ?? 10;
    const versions = await this.ruleSets.history(scope, limit + 1, query.before_version);
    return {
      object: 'list' as const,
      data: versions.slice(0, limit).map((record) => toView(scope, record)),
      has_more: versions.length > limit,
    };
  }
}
