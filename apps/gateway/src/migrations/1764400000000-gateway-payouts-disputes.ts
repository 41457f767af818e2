import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Read models of payouts and disputes, fed by payments events. */
export class GatewayPayoutsDisputes1764400000000 implements MigrationInterface {
  name = 'GatewayPayoutsDisputes1764400000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE payouts (
        id text PRIMARY KEY,
        merchant_id text NOT NULL REFERENCES merchants (id),
        amount_minor bigint NOT NULL CHECK (amount_minor > 0),
        currency char(3) NOT NULL,
        status text NOT NULL CHECK (status IN ('pending', 'paid', 'failed')),
        failure_code text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(
      'CREATE INDEX payouts_merchant_created ON payouts (merchant_id, created_at DESC, id DESC)',
    );
    await runner.query(`
      CREATE TABLE disputes (
        id text PRIMARY KEY,
        merchant_id text NOT NULL REFERENCES merchants (id),
        payment_id text NOT NULL REFERENCES payments (id),
        amount_minor bigint NOT NULL CHECK (amount_minor > 0),
        currency char(3) NOT NULL,
        reason text NOT NULL,
        status text NOT NULL CHECK (status IN ('needs_response', 'under_review', 'won', 'lost')),
        evidence_submitted_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(
      'CREATE INDEX disputes_merchant_created ON disputes (merchant_id, created_at DESC, id DESC)',
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE disputes');
    await runner.query('DROP TABLE payouts');
  }
}
