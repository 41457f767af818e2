import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The global rules a fresh platform starts with: what DEFAULT_RULE_SET held in code (wire form). */
export const SEEDED_GLOBAL_RULES = [
  {
    id: 'global-high-amount',
    kind: 'amount_above',
    action: 'review',
    weight: 60,
    mode: 'enforce',
    params: { amount_minor: '1000000' },
  },
  {
    id: 'global-blocked-bins',
    kind: 'blocked_bin',
    action: 'block',
    weight: 100,
    mode: 'enforce',
    params: { bins: [] },
  },
  {
    id: 'global-blocked-cards',
    kind: 'blocked_card_fingerprint',
    action: 'block',
    weight: 100,
    mode: 'enforce',
    params: {},
  },
  { id: 'global-blocked-ips', kind: 'blocked_ip', action: 'block', weight: 100, mode: 'enforce', params: {} },
  {
    id: 'global-blocked-email-domains',
    kind: 'blocked_email_domain',
    action: 'block',
    weight: 100,
    mode: 'enforce',
    params: { domains: [] },
  },
  {
    id: 'global-blocked-countries',
    kind: 'blocked_country',
    action: 'block',
    weight: 100,
    mode: 'enforce',
    params: { countries: [] },
  },
];

const SCOPE_CHECK = `CHECK (scope = 'global' OR scope ~ '^mer_[A-Za-z0-9]{8,64}$')`;

/**
 * Rules and block lists as data, managed through the admin API: the rule set in force per scope
 * (global or a merchant) with an append-only history of every version, who made it and when;
 * list entries with an append-only log of additions and removals. Velocity observations (one row
 * per screened payment and key) and the cards each merchant has seen, so velocity and new-card
 * rules survive restarts. The assessment keeps the keys it was screened under.
 */
export class RiskRulesListsVelocity1764500000000 implements MigrationInterface {
  name = 'RiskRulesListsVelocity1764500000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE risk_rule_sets (
        scope text PRIMARY KEY ${SCOPE_CHECK},
        version integer NOT NULL CHECK (version >= 1),
        rules jsonb NOT NULL CHECK (jsonb_typeof(rules) = 'array'),
        changed_by text NOT NULL,
        changed_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`
      CREATE TABLE risk_rule_set_history (
        scope text NOT NULL,
        version integer NOT NULL,
        rules jsonb NOT NULL,
        changed_by text NOT NULL,
        changed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (scope, version)
      )`);
    await runner.query(`
      CREATE TABLE risk_list_entries (
        id text PRIMARY KEY,
        scope text NOT NULL ${SCOPE_CHECK},
        kind text NOT NULL CHECK (kind IN ('card_fingerprint', 'bin', 'ip', 'email_domain', 'country')),
        value text NOT NULL,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (scope, kind, value)
      )`);
    await runner.query('CREATE INDEX risk_list_entries_page ON risk_list_entries (scope, created_at, id)');
    await runner.query(`
      CREATE TABLE risk_list_changes (
        sequence bigserial PRIMARY KEY,
        entry_id text NOT NULL,
        scope text NOT NULL,
        kind text NOT NULL,
        value text NOT NULL,
        change text NOT NULL CHECK (change IN ('added', 'removed')),
        changed_by text NOT NULL,
        changed_at timestamptz NOT NULL DEFAULT now()
      )`);
    for (const table of ['risk_rule_set_history', 'risk_list_changes']) {
      await runner.query(`
        CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON ${table}
          FOR EACH STATEMENT EXECUTE FUNCTION risk_assessments_append_only()`);
    }
    await runner.query(`
      CREATE TABLE risk_velocity_observations (
        payment_id text NOT NULL,
        merchant_id text NOT NULL,
        key text NOT NULL CHECK (key IN ('card_fingerprint', 'customer', 'email', 'ip')),
        value text NOT NULL,
        amount_minor bigint NOT NULL,
        currency text NOT NULL,
        observed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (payment_id, key)
      )`);
    await runner.query(`
      CREATE INDEX risk_velocity_window ON risk_velocity_observations (merchant_id, key, value, observed_at)
        INCLUDE (amount_minor, currency)`);
    await runner.query('CREATE INDEX risk_velocity_observed ON risk_velocity_observations (observed_at)');
    await runner.query(`
      CREATE TABLE risk_cards_seen (
        merchant_id text NOT NULL,
        fingerprint text NOT NULL,
        first_seen_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (merchant_id, fingerprint)
      )`);
    await runner.query(
      `ALTER TABLE risk_assessments ADD COLUMN screened_keys jsonb NOT NULL DEFAULT '{}'::jsonb`,
    );
    const rules = JSON.stringify(SEEDED_GLOBAL_RULES);
    await runner.query(
      `INSERT INTO risk_rule_sets (scope, version, rules, changed_by) VALUES ('global', 1, $1, 'migration')`,
      [rules],
    );
    await runner.query(
      `INSERT INTO risk_rule_set_history (scope, version, rules, changed_by) VALUES ('global', 1, $1, 'migration')`,
      [rules],
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE risk_assessments DROP COLUMN screened_keys');
    for (const table of [
      'risk_cards_seen',
      'risk_velocity_observations',
      'risk_list_changes',
      'risk_list_entries',
      'risk_rule_set_history',
      'risk_rule_sets',
    ]) {
      await runner.query(`DROP TABLE ${table}`);
    }
  }
}
