import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The review queue: a payment risk sent to review waits in risk_reviews until an analyst's
 * decision is appended to risk_review_decisions (one per payment). Both are append-only, so the
 * queue is "reviews without a decision" and its history can never be rewritten.
 */
export class RiskReviewQueue1764200000000 implements MigrationInterface {
  name = 'RiskReviewQueue1764200000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE risk_reviews (
        payment_id text PRIMARY KEY,
        merchant_id text NOT NULL,
        amount_minor bigint NOT NULL,
        currency text NOT NULL,
        score integer NOT NULL CHECK (score BETWEEN 0 AND 100),
        reasons jsonb NOT NULL,
        correlation_id text NOT NULL,
        caused_by_event_id uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query('CREATE INDEX risk_reviews_created ON risk_reviews (created_at, payment_id)');
    await runner.query(`
      CREATE TABLE risk_review_decisions (
        payment_id text PRIMARY KEY REFERENCES risk_reviews (payment_id),
        decision text NOT NULL CHECK (decision IN ('approve', 'decline')),
        decided_at timestamptz NOT NULL DEFAULT now()
      )`);
    for (const table of ['risk_reviews', 'risk_review_decisions']) {
      await runner.query(`
        CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON ${table}
          FOR EACH STATEMENT EXECUTE FUNCTION risk_assessments_append_only()`);
    }
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE risk_review_decisions');
    await runner.query('DROP TABLE risk_reviews');
  }
}
