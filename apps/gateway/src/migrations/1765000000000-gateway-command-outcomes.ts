import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * command_rejections becomes command_outcomes: every command the gateway sends is recorded
 * pending with it, and decided by the first event it caused (applied) or by its
 * payment.command_rejected (rejected), so a waiting request answers with its own command's outcome.
 * Refusals recorded before carry over as rejected.
 */
export class GatewayCommandOutcomes1765000000000 implements MigrationInterface {
  name = 'GatewayCommandOutcomes1765000000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE command_outcomes (
        command_id uuid PRIMARY KEY,
        merchant_id text NOT NULL,
        command_type text NOT NULL,
        payment_id text,
        outcome text NOT NULL CHECK (outcome IN ('pending', 'applied', 'rejected')),
        event_type text,
        code text,
        message text,
        source_event_id uuid,
        sent_at timestamptz,
        decided_at timestamptz,
        CHECK ((outcome = 'rejected') = (code IS NOT NULL AND message IS NOT NULL))
      )`);
    await runner.query(`
      INSERT INTO command_outcomes
        (command_id, merchant_id, command_type, payment_id, outcome, event_type, code, message,
         source_event_id, decided_at)
      SELECT command_id, merchant_id, command_type, payment_id, 'rejected', 'payment.command_rejected',
             code, message, source_event_id, rejected_at
        FROM command_rejections`);
    await runner.query('DROP TABLE command_rejections');
    // The sweep deletes by age; rows carried over from command_rejections have no sent_at.
    await runner.query(
      'CREATE INDEX command_outcomes_age ON command_outcomes ((coalesce(sent_at, decided_at)))',
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE command_rejections (
        command_id uuid PRIMARY KEY,
        merchant_id text NOT NULL,
        command_type text NOT NULL,
        payment_id text,
        code text NOT NULL,
        message text NOT NULL,
        source_event_id uuid NOT NULL,
        rejected_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`
      INSERT INTO command_rejections
        (command_id, merchant_id, command_type, payment_id, code, message, source_event_id, rejected_at)
      SELECT command_id, merchant_id, command_type, payment_id, code, message, source_event_id, decided_at
        FROM command_outcomes WHERE outcome = 'rejected'`);
    await runner.query('DROP TABLE command_outcomes');
  }
}
