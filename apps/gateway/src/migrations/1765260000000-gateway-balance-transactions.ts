import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Balance transactions: every change the ledger makes to a merchant balance, written in the
 * transaction that updates merchant_balances (see domain/balance-transactions.ts). Money columns
 * never change; status, available_on and payout_id do (settlements and payouts).
 */
export class GatewayBalanceTransactions1765260000000 implements MigrationInterface {
  name = 'GatewayBalanceTransactions1765260000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE balance_transactions (
        id text PRIMARY KEY,
        merchant_id text NOT NULL,
        currency char(3) NOT NULL,
        type text NOT NULL CHECK (type IN ('charge', 'refund', 'dispute', 'dispute_reversal', 'payout',
          'payout_failure', 'adjustment', 'carryover')),
        status text NOT NULL CHECK (status IN ('pending', 'available')),
        amount_minor bigint NOT NULL,
        fee_minor bigint NOT NULL CHECK (fee_minor >= 0),
        net_minor bigint NOT NULL CHECK (net_minor = amount_minor - fee_minor),
        exchange_rate text,
        source text,
        description text NOT NULL,
        payout_id text,
        ledger_entry_id uuid,
        ledger_sequence bigint NOT NULL,
        ordinal integer NOT NULL,
        created_at timestamptz NOT NULL,
        available_on timestamptz,
        CHECK (payout_id IS NULL OR status = 'available'),
        UNIQUE (ledger_entry_id, ordinal)
      )`);
    // The list and its filters: newest first per merchant, narrowed by one filter at a time.
    await runner.query(
      'CREATE INDEX balance_transactions_merchant_created ON balance_transactions (merchant_id, created_at DESC, id DESC)',
    );
    await runner.query(
      'CREATE INDEX balance_transactions_merchant_type ON balance_transactions (merchant_id, type, created_at DESC, id DESC)',
    );
    await runner.query(
      'CREATE INDEX balance_transactions_merchant_currency ON balance_transactions (merchant_id, currency, created_at DESC, id DESC)',
    );
    await runner.query(
      'CREATE INDEX balance_transactions_merchant_source ON balance_transactions (merchant_id, source, created_at DESC, id DESC) WHERE source IS NOT NULL',
    );
    await runner.query(
      'CREATE INDEX balance_transactions_merchant_payout ON balance_transactions (merchant_id, payout_id, created_at DESC, id DESC) WHERE payout_id IS NOT NULL',
    );
    // What a settlement or payout may take next, FIFO; rows leave it once paid out.
    await runner.query(`
      CREATE INDEX balance_transactions_pool ON balance_transactions
        (merchant_id, currency, status, ledger_sequence, ordinal) WHERE payout_id IS NULL AND type <> 'payout'`);
    // Balances kept before this table existed open it, so the sums hold from the start.
    await runner.query(`
      INSERT INTO balance_transactions (id, merchant_id, currency, type, status, amount_minor, fee_minor,
        net_minor, description, ledger_sequence, ordinal, created_at, available_on)
      SELECT 'txn_' || substr(md5(merchant_id || ':' || currency || ':' || s.status), 1, 24), merchant_id,
        currency, 'adjustment', s.status, s.amount, 0, s.amount, 'Opening balance', 0, 0, now(),
        CASE WHEN s.status = 'available' THEN now() END
      FROM merchant_balances
      CROSS JOIN LATERAL (VALUES ('pending', pending_minor), ('available', available_minor)) AS s (status, amount)
      WHERE s.amount <> 0`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE balance_transactions');
  }
}
