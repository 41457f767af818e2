import type { MigrationInterface, QueryRunner } from 'typeorm';

/** One assessment per payment, append-only: a decision is never rewritten, only explained. */
export class RiskAssessments1764100000000 implements MigrationInterface {
  name = 'RiskAssessments1764100000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE risk_assessments (
        id uuid PRIMARY KEY,
        payment_id text NOT NULL UNIQUE,
        merchant_id text NOT NULL,
        decision text NOT NULL CHECK (decision IN ('approve', 'review', 'decline')),
        score integer NOT NULL CHECK (score BETWEEN 0 AND 100),
        reasons jsonb NOT NULL,
        shadow_reasons jsonb NOT NULL DEFAULT '[]'::jsonb,
        rules_version text NOT NULL,
        caused_by_event_id uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(
      'CREATE INDEX risk_assessments_merchant_created ON risk_assessments (merchant_id, created_at DESC)',
    );
    await runner.query(`
      CREATE FUNCTION risk_assessments_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'risk_assessments is append-only: % refused', TG_OP;
      END $$`);
    await runner.query(`
      CREATE TRIGGER risk_assessments_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON risk_assessments
        FOR EACH STATEMENT EXECUTE FUNCTION risk_assessments_append_only()`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE risk_assessments');
    await runner.query('DROP FUNCTION risk_assessments_append_only()');
  }
}
