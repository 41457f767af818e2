import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The daily volume projection and the checkpoints of every projection. */
export class ReportingVolume1764100000100 implements MigrationInterface {
  name = 'ReportingVolume1764100000100';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE volume_daily (
        merchant_id text NOT NULL,
        day date NOT NULL,
        currency char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
        payment_method text NOT NULL,
        gross_minor bigint NOT NULL CHECK (gross_minor >= 0),
        fee_minor bigint NOT NULL CHECK (fee_minor >= 0),
        net_minor bigint NOT NULL,
        capture_count bigint NOT NULL CHECK (capture_count >= 0),
        PRIMARY KEY (merchant_id, day, currency, payment_method),
        CHECK (net_minor = gross_minor - fee_minor)
      )`);
    await runner.query('CREATE INDEX volume_daily_day ON volume_daily (day, merchant_id)');
    await runner.query(`
      CREATE TABLE projection_checkpoints (
        projection text PRIMARY KEY,
        last_sequence bigint NOT NULL CHECK (last_sequence >= 0),
        events_applied bigint NOT NULL CHECK (events_applied >= 0),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE projection_checkpoints');
    await runner.query('DROP TABLE volume_daily');
  }
}
