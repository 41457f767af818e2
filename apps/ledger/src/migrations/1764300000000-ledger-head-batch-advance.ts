import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Lets the head advance over several entries at once, so a batch of events posted in one
 * transaction updates it once. Still only onto linked entries: every sequence between the two
 * heads exists (UNIQUE sequence makes "as many links as steps" mean "no gap"), each links to the
 * one before it, the first to the old head, and the last is the new head.
 */
export class LedgerHeadBatchAdvance1764300000000 implements MigrationInterface {
  name = 'LedgerHeadBatchAdvance1764300000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE OR REPLACE FUNCTION ledger_head_advance() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        linked bigint;
      BEGIN
        SELECT count(*) INTO linked
          FROM (SELECT sequence, hash, previous_hash,
                       lag(hash, 1, OLD.hash) OVER (ORDER BY sequence) AS expected_previous_hash
                  FROM journal_entries
                 WHERE sequence > OLD.sequence AND sequence <= NEW.sequence) chain
         WHERE previous_hash = expected_previous_hash AND (sequence < NEW.sequence OR hash = NEW.hash);
        IF NEW.sequence <= OLD.sequence OR linked <> NEW.sequence - OLD.sequence THEN
          RAISE EXCEPTION 'ledger head may only advance over linked entries (% -> %)', OLD.sequence, NEW.sequence
            USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
      END $$`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE OR REPLACE FUNCTION ledger_head_advance() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.sequence <> OLD.sequence + 1 OR NOT EXISTS (
          SELECT 1 FROM journal_entries
           WHERE sequence = NEW.sequence AND hash = NEW.hash AND previous_hash = OLD.hash
        ) THEN
          RAISE EXCEPTION 'ledger head may only advance by one linked entry (% -> %)', OLD.sequence, NEW.sequence
            USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
      END $$`);
  }
}
