import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The balance check set-based: one statement-level trigger per postings INSERT checks every entry
 * that statement touched (at least two postings, balanced per currency) instead of one deferred
 * trigger call and two queries per posting. The check on journal_entries, still deferred to commit
 * (postings come after their entry), only asks whether the entry has a posting: a posting insert
 * that left it unbalanced or with one line was already refused. Same guarantee, set-based: every
 * committed entry has two or more postings and balances per currency. The postings writer inserts
 * all of an entry's postings in one statement, which the immediate check requires.
 */
export class LedgerSetBasedBalanceCheck1765600000000 implements MigrationInterface {
  name = 'LedgerSetBasedBalanceCheck1765600000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TRIGGER postings_balanced ON postings');
    await runner.query('DROP TRIGGER journal_entries_have_postings ON journal_entries');
    await runner.query(`
      CREATE FUNCTION journal_check_inserted_postings() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        broken record;
      BEGIN
        SELECT p.entry_id, p.currency, sum(p.amount_minor) AS total
          INTO broken
          FROM postings p
         WHERE p.entry_id IN (SELECT DISTINCT entry_id FROM inserted)
         GROUP BY p.entry_id, p.currency
        HAVING sum(p.amount_minor) <> 0
        LIMIT 1;
        IF FOUND THEN
          RAISE EXCEPTION 'journal entry % does not balance in %: postings sum to %',
            broken.entry_id, broken.currency, broken.total USING ERRCODE = 'check_violation';
        END IF;
        SELECT p.entry_id, count(*) AS lines INTO broken
          FROM postings p
         WHERE p.entry_id IN (SELECT DISTINCT entry_id FROM inserted)
         GROUP BY p.entry_id
        HAVING count(*) < 2
        LIMIT 1;
        IF FOUND THEN
          RAISE EXCEPTION 'journal entry % has % posting(s), needs at least 2', broken.entry_id, broken.lines
            USING ERRCODE = 'check_violation';
        END IF;
        RETURN NULL;
      END $$`);
    await runner.query(`
      CREATE TRIGGER postings_balanced AFTER INSERT ON postings
        REFERENCING NEW TABLE AS inserted
        FOR EACH STATEMENT EXECUTE FUNCTION journal_check_inserted_postings()`);
    await runner.query(`
      CREATE FUNCTION journal_check_entry_has_postings() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NOT EXISTS (SELECT 1 FROM postings WHERE entry_id = NEW.id) THEN
          RAISE EXCEPTION 'journal entry % has 0 posting(s), needs at least 2', NEW.id
            USING ERRCODE = 'check_violation';
        END IF;
        RETURN NULL;
      END $$`);
    await runner.query(`
      CREATE CONSTRAINT TRIGGER journal_entries_have_postings AFTER INSERT ON journal_entries
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION journal_check_entry_has_postings()`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TRIGGER postings_balanced ON postings');
    await runner.query('DROP TRIGGER journal_entries_have_postings ON journal_entries');
    await runner.query('DROP FUNCTION journal_check_inserted_postings()');
    await runner.query('DROP FUNCTION journal_check_entry_has_postings()');
    await runner.query(`
      CREATE CONSTRAINT TRIGGER postings_balanced AFTER INSERT ON postings
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION journal_check_entry_balanced('entry_id')`);
    await runner.query(`
      CREATE CONSTRAINT TRIGGER journal_entries_have_postings AFTER INSERT ON journal_entries
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION journal_check_entry_balanced('id')`);
  }
}
