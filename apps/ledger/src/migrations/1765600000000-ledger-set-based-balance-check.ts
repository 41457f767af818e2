import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The postings checks set-based: one statement-level trigger per postings INSERT checks every
 * posting and entry that statement touched (the entry exists, the account exists in the posting's
 * currency, the entry has two or more postings and balances per currency) instead of a deferred
 * trigger call, two queries and two foreign-key lookups per posting. The check on journal_entries,
 * still deferred to commit (postings come after their entry), only asks whether the entry has a
 * posting: a posting insert that left it unbalanced or with one line was already refused. The
 * postings writer inserts all of an entry's postings in one statement, which the check requires.
 * What the foreign keys also held stays held: entries are append-only, and accounts now refuse
 * DELETE, TRUNCATE and any change of id or currency.
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
        SELECT i.entry_id INTO broken
          FROM inserted i
         WHERE NOT EXISTS (SELECT 1 FROM journal_entries e WHERE e.id = i.entry_id)
         LIMIT 1;
        IF FOUND THEN
          RAISE EXCEPTION 'posting refers to journal entry %, which does not exist', broken.entry_id
            USING ERRCODE = 'foreign_key_violation';
        END IF;
        SELECT i.account_id, i.currency INTO broken
          FROM inserted i
         WHERE NOT EXISTS (SELECT 1 FROM accounts a WHERE a.id = i.account_id AND a.currency = i.currency)
         LIMIT 1;
        IF FOUND THEN
          RAISE EXCEPTION 'posting refers to account % in %, which does not exist', broken.account_id, broken.currency
            USING ERRCODE = 'foreign_key_violation';
        END IF;
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
    await runner.query(`
      CREATE FUNCTION accounts_refuse_rekey() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' OR NEW.id <> OLD.id OR NEW.currency <> OLD.currency THEN
          RAISE EXCEPTION 'accounts are never deleted nor re-keyed: % on account % refused', TG_OP, OLD.id
            USING ERRCODE = 'restrict_violation';
        END IF;
        RETURN NEW;
      END $$`);
    await runner.query(`
      CREATE TRIGGER accounts_no_rekey BEFORE UPDATE OF id, currency OR DELETE ON accounts
        FOR EACH ROW EXECUTE FUNCTION accounts_refuse_rekey()`);
    await runner.query(`
      CREATE TRIGGER accounts_no_truncate BEFORE TRUNCATE ON accounts
        FOR EACH STATEMENT EXECUTE FUNCTION journal_refuse_change()`);
    await runner.query('ALTER TABLE postings DROP CONSTRAINT postings_entry_id_fkey');
    await runner.query('ALTER TABLE postings DROP CONSTRAINT postings_account_id_currency_fkey');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(
      'ALTER TABLE postings ADD CONSTRAINT postings_entry_id_fkey FOREIGN KEY (entry_id) REFERENCES journal_entries (id)',
    );
    await runner.query(`ALTER TABLE postings ADD CONSTRAINT postings_account_id_currency_fkey
      FOREIGN KEY (account_id, currency) REFERENCES accounts (id, currency)`);
    await runner.query('DROP TRIGGER accounts_no_truncate ON accounts');
    await runner.query('DROP TRIGGER accounts_no_rekey ON accounts');
    await runner.query('DROP FUNCTION accounts_refuse_rekey()');
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
