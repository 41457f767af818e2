import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Commands the payments service refused (payment.command_rejected), by command id, so a waiting
 * request can answer 409 at once; and the command each pending refund, pending payout and dispute
 * under review waits on, so a refusal puts back exactly the row it was about.
 */
export class GatewayCommandRejections1764700000000 implements MigrationInterface {
  name = 'GatewayCommandRejections1764700000000';

  async up(runner: QueryRunner): Promise<void> {
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
    await runner.query('ALTER TABLE refunds ADD COLUMN command_id uuid');
    await runner.query('ALTER TABLE payouts ADD COLUMN command_id uuid');
    await runner.query('ALTER TABLE disputes ADD COLUMN evidence_command_id uuid');
    await runner.query('CREATE UNIQUE INDEX refunds_command ON refunds (command_id)');
    await runner.query('CREATE UNIQUE INDEX payouts_command ON payouts (command_id)');
    await runner.query('CREATE UNIQUE INDEX disputes_evidence_command ON disputes (evidence_command_id)');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE disputes DROP COLUMN evidence_command_id');
    await runner.query('ALTER TABLE payouts DROP COLUMN command_id');
    await runner.query('ALTER TABLE refunds DROP COLUMN command_id');
    await runner.query('DROP TABLE command_rejections');
  }
}
