import {
  RULE_KINDS,
  VELOCITY_KEYS,
  ruleProblems,
  type RiskRule,
  type RuleAction,
  type RuleKind,
  type RuleMode,
} from './risk-rules';

/**
 * Rules as the admin API and the rule tables hold them: snake_case JSON, amounts as strings of
 * minor units. Parsing is strict (an unknown field is a problem) and names where each problem is,
 * Stripe-style (`params[amount_minor]`), so the API can point at it. Pure.
 */
export interface WireRule {
  readonly id: string;
  readonly kind: RuleKind;
  readonly action: RuleAction;
  readonly weight: number;
  readonly mode: RuleMode;
  readonly params: Readonly<Record<string, unknown>>;
}

export interface RuleProblem {
  /** Where in the rule, e.g. `params[window_seconds]`; empty for the rule as a whole. */
  readonly param: string;
  readonly message: string;
}

export type ParsedRule = { readonly rule: RiskRule } | { readonly problem: RuleProblem };

const AMOUNT = /^(0|[1-9][0-9]{0,17})$/;
const ACTIONS: readonly RuleAction[] = ['block', 'review', 'allow'];
const MODES: readonly RuleMode[] = ['enforce', 'shadow'];

/** The params each kind accepts, the required ones first. */
const PARAMS_OF: Readonly<Record<RuleKind, { required: string[]; optional: string[] }>> = {
  amount_above: { required: ['amount_minor'], optional: ['currency'] },
  blocked_bin: { required: [], optional: ['bins'] },
  blocked_email_domain: { required: [], optional: ['domains'] },
  blocked_country: { required: [], optional: ['countries'] },
  blocked_card_fingerprint: { required: [], optional: [] },
  blocked_ip: { required: [], optional: [] },
  velocity: { required: ['key', 'window_seconds'], optional: ['max_count', 'max_sum_minor'] },
  card_ip_country_mismatch: { required: [], optional: [] },
  new_card_large_amount: { required: ['amount_minor', 'new_within_hours'], optional: ['currency'] },
};

class Problem extends Error {
  constructor(
    readonly param: string,
    message: string,
  ) {
    super(message);
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function text(params: Record<string, unknown>, name: string): string | undefined {
  const value = params[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new Problem(`params[${name}]`, 'must be a string');
  return value;
}

function amount(params: Record<string, unknown>, name: string): bigint {
  const value = params[name];
  if (typeof value !== 'string' || !AMOUNT.test(value)) {
    throw new Problem(`params[${name}]`, 'must be a string of a non-negative integer in minor units');
  }
  return BigInt(value);
}

function integer(params: Record<string, unknown>, name: string): number | undefined {
  const value = params[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new Problem(`params[${name}]`, 'must be an integer');
  }
  return value;
}

function strings(params: Record<string, unknown>, name: string): string[] {
  const value = params[name] ?? [];
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string') || value.length > 1_000) {
    throw new Problem(`params[${name}]`, 'must be an array of at most 1000 strings');
  }
  return value as string[];
}

function sums(params: Record<string, unknown>, name: string): Record<string, bigint> | undefined {
  const value = params[name];
  if (value === undefined) return undefined;
  if (!isRecord(value)) throw new Problem(`params[${name}]`, 'must be an object of currency to amount');
  const result: Record<string, bigint> = {};
  for (const [currency, max] of Object.entries(value)) {
    if (typeof max !== 'string' || !AMOUNT.test(max)) {
      throw new Problem(`params[${name}][${currency}]`, 'must be a string of minor units');
    }
    result[currency] = BigInt(max);
  }
  return result;
}

function paramsOf(kind: RuleKind, params: Record<string, unknown>): RiskRule['params'] {
  const { required, optional } = PARAMS_OF[kind];
  for (const name of Object.keys(params)) {
    if (!required.includes(name) && !optional.includes(name)) {
      throw new Problem(`params[${name}]`, `is not a parameter of ${kind}`);
    }
  }
  for (const name of required) {
    if (params[name] === undefined) throw new Problem(`params[${name}]`, `is required for ${kind}`);
  }
  const currency = text(params, 'currency');
  switch (kind) {
    case 'amount_above':
      return { amountMinor: amount(params, 'amount_minor'), ...(currency === undefined ? {} : { currency }) };
    case 'blocked_bin':
      return { bins: strings(params, 'bins') };
    case 'blocked_email_domain':
      return { domains: strings(params, 'domains') };
    case 'blocked_country':
      return { countries: strings(params, 'countries') };
    case 'blocked_card_fingerprint':
    case 'blocked_ip':
    case 'card_ip_country_mismatch':
      return {};
    case 'velocity': {
      const key = text(params, 'key');
      if (!VELOCITY_KEYS.includes(key as never)) {
        throw new Problem('params[key]', `must be one of ${VELOCITY_KEYS.join(', ')}`);
      }
      const maxCount = integer(params, 'max_count');
      const maxSumMinor = sums(params, 'max_sum_minor');
      return {
        key: key as (typeof VELOCITY_KEYS)[number],
        windowSeconds: integer(params, 'window_seconds') ?? 0,
        ...(maxCount === undefined ? {} : { maxCount }),
        ...(maxSumMinor === undefined ? {} : { maxSumMinor }),
      };
    }
    case 'new_card_large_amount':
      return {
        amountMinor: amount(params, 'amount_minor'),
        newWithinHours: integer(params, 'new_within_hours') ?? 0,
        ...(currency === undefined ? {} : { currency }),
      };
  }
}

/** A rule from its wire form, or the first problem found. */
export function ruleFromWire(value: unknown): ParsedRule {
  try {
    if (!isRecord(value)) throw new Problem('', 'must be an object');
    for (const name of Object.keys(value)) {
      if (!['id', 'kind', 'action', 'weight', 'mode', 'params'].includes(name)) {
        throw new Problem(name, 'is not a field of a rule');
      }
    }
    const { id, kind, action, weight, mode, params } = value;
    if (typeof id !== 'string') throw new Problem('id', 'must be a string');
    if (!RULE_KINDS.includes(kind as RuleKind)) {
      throw new Problem('kind', `must be one of ${RULE_KINDS.join(', ')}`);
    }
    if (!ACTIONS.includes(action as RuleAction))
      throw new Problem('action', 'must be block, review or allow');
    if (typeof weight !== 'number') throw new Problem('weight', 'must be an integer from 0 to 100');
    if (mode !== undefined && !MODES.includes(mode as RuleMode)) {
      throw new Problem('mode', 'must be enforce or shadow');
    }
    if (params !== undefined && !isRecord(params)) throw new Problem('params', 'must be an object');
    const rule = {
      id,
      kind,
      action,
      weight,
      mode: mode ?? 'enforce',
      params: paramsOf(kind as RuleKind, params ?? {}),
    } as RiskRule;
    const problems = ruleProblems(rule);
    if (problems.length > 0) {
      const param = /^(id|weight)\b/.exec(problems[0]!)?.[1] ?? 'params';
      throw new Problem(param, problems[0]!);
    }
    return { rule };
  } catch (error) {
    if (error instanceof Problem) return { problem: { param: error.param, message: error.message } };
    throw error;
  }
}

const withCurrency = (currency: string | undefined) => (currency === undefined ? {} : { currency });

/** The wire form of a rule: what the admin API answers and the rule tables store. */
export function ruleToWire(rule: RiskRule): WireRule {
  const base = { id: rule.id, kind: rule.kind, action: rule.action, weight: rule.weight, mode: rule.mode };
  switch (rule.kind) {
    case 'amount_above':
      return {
        ...base,
        params: { amount_minor: rule.params.amountMinor.toString(), ...withCurrency(rule.params.currency) },
      };
    case 'blocked_bin':
      return { ...base, params: { bins: [...rule.params.bins] } };
    case 'blocked_email_domain':
      return { ...base, params: { domains: [...rule.params.domains] } };
    case 'blocked_country':
      return { ...base, params: { countries: [...rule.params.countries] } };
    case 'blocked_card_fingerprint':
    case 'blocked_ip':
    case 'card_ip_country_mismatch':
      return { ...base, params: {} };
    case 'velocity': {
      const { key, windowSeconds, maxCount, maxSumMinor } = rule.params;
      return {
        ...base,
        params: {
          key,
          window_seconds: windowSeconds,
          ...(maxCount === undefined ? {} : { max_count: maxCount }),
          ...(maxSumMinor === undefined
            ? {}
            : {
                max_sum_minor: Object.fromEntries(
                  Object.entries(maxSumMinor).map(([currency, max]) => [currency, max.toString()]),
                ),
              }),
        },
      };
    }
    case 'new_card_large_amount':
      return {
        ...base,
        params: {
          amount_minor: rule.params.amountMinor.toString(),
          new_within_hours: rule.params.newWithinHours,
          ...withCurrency(rule.params.currency),
        },
      };
  }
}

export type ParsedRules =
  | { readonly rules: RiskRule[] }
  | { readonly problem: RuleProblem & { readonly index: number } };

/** A whole rule set from its wire form: every rule parsed, ids unique; or the first problem. */
export function rulesFromWire(values: readonly unknown[]): ParsedRules {
  const rules: RiskRule[] = [];
  const ids = new Set<string>();
  for (const [index, value] of values.entries()) {
    const parsed = ruleFromWire(value);
    if ('problem' in parsed) return { problem: { index, ...parsed.problem } };
    if (ids.has(parsed.rule.id)) {
      return { problem: { index, param: 'id', message: `duplicate id ${parsed.rule.id}` } };
    }
    ids.add(parsed.rule.id);
    rules.push(parsed.rule);
  }
  return { rules };
}
