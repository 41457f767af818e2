import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An Idempotency-Key claim is held by one request (holder_id) for a lease; a request whose holder
 * died is taken over once the lease ran out. `recovery` is where the holder's write can be picked
 * up again (the payment it created, the command it sent), written in the write's own transaction.
 */
export class GatewayIdempotencyLeases1765100000000 implements MigrationInterface {
  name = 'GatewayIdempotencyLeases1765100000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      ALTER TABLE idempotency_keys
        ADD COLUMN holder_id uuid,
        ADD COLUMN lease_expires_at timestamptz,
        ADD COLUMN recovery jsonb`);
    // Commands the payments service never answered are sent again after a while, with backoff.
    await runner.query(`
      ALTER TABLE command_outcomes
        ADD COLUMN redeliveries integer NOT NULL DEFAULT 0,
        ADD COLUMN redelivered_at timestamptz`);
    await runner.query(
      `CREATE INDEX command_outcomes_pending ON command_outcomes (sent_at) WHERE outcome = 'pending'`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP INDEX command_outcomes_pending');
    await runner.query('ALTER TABLE command_outcomes DROP COLUMN redeliveries, DROP COLUMN redelivered_at');
    await runner.query(
      'ALTER TABLE idempotency_keys DROP COLUMN holder_id, DROP COLUMN lease_expires_at, DROP COLUMN recovery',
    );
  }
}
