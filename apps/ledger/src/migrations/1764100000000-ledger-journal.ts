import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The journal. The database holds the rules a second time, so a bug in the service cannot break them:
 * entries and postings cannot be updated, deleted or truncated; at commit, each entry must have at
 * least two postings summing to zero per currency; a posting's currency is its account's.
 */
export class LedgerJournal1764100000000 implements MigrationInterface {
  name = 'LedgerJournal1764100000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE accounts (
        id bigserial PRIMARY KEY,
        code text NOT NULL UNIQUE,
        type text NOT NULL CHECK (type IN ('asset', 'liability', 'equity', 'revenue', 'expense')),
        currency char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
        balance_minor bigint NOT NULL DEFAULT 0,
        version bigint NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (id, currency)
      )`);
    await runner.query(`
      CREATE TABLE ledger_head (
        id smallint PRIMARY KEY CHECK (id = 1),
        sequence bigint NOT NULL CHECK (sequence >= 0),
        hash char(64) NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$')
      )`);
    await runner.query(`INSERT INTO ledger_head (id, sequence, hash) VALUES (1, 0, repeat('0', 64))`);
    await runner.query(`
      CREATE TABLE journal_entries (
        id uuid PRIMARY KEY,
        sequence bigint NOT NULL UNIQUE CHECK (sequence >= 1),
        source_event_id uuid NOT NULL UNIQUE,
        kind text NOT NULL,
        merchant_id text NOT NULL,
        payment_id text NOT NULL,
        occurred_at timestamptz NOT NULL,
        previous_hash char(64) NOT NULL CHECK (previous_hash ~ '^[0-9a-f]{64}$'),
        hash char(64) NOT NULL UNIQUE CHECK (hash ~ '^[0-9a-f]{64}$'),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query('CREATE INDEX journal_entries_payment ON journal_entries (payment_id, sequence)');
    await runner.query(`
      CREATE TABLE postings (
        entry_id uuid NOT NULL REFERENCES journal_entries (id),
        position smallint NOT NULL CHECK (position >= 0),
        account_id bigint NOT NULL,
        currency char(3) NOT NULL,
        amount_minor bigint NOT NULL CHECK (amount_minor <> 0),
        PRIMARY KEY (entry_id, position),
        UNIQUE (entry_id, account_id),
        FOREIGN KEY (account_id, currency) REFERENCES accounts (id, currency)
      )`);
    await runner.query('CREATE INDEX postings_account ON postings (account_id, entry_id)');

    await runner.query(`
      CREATE FUNCTION journal_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'the journal is append-only: % on % refused', TG_OP, TG_TABLE_NAME
          USING ERRCODE = 'restrict_violation';
      END $$`);
    for (const table of ['journal_entries', 'postings']) {
      await runner.query(
        `CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table}
           FOR EACH ROW EXECUTE FUNCTION journal_refuse_change()`,
      );
      await runner.query(
        `CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table}
           FOR EACH STATEMENT EXECUTE FUNCTION journal_refuse_change()`,
      );
    }

    // The head only moves one step, onto an entry that links to the previous head.
    await runner.query(`
      CREATE FUNCTION ledger_head_advance() RETURNS trigger LANGUAGE plpgsql AS $$
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
    await runner.query(
      'CREATE TRIGGER ledger_head_advance BEFORE UPDATE ON ledger_head FOR EACH ROW EXECUTE FUNCTION ledger_head_advance()',
    );
    await runner.query(`
      CREATE TRIGGER ledger_head_no_delete BEFORE DELETE ON ledger_head
        FOR EACH ROW EXECUTE FUNCTION journal_refuse_change()`);

    // Checked at commit, once every posting of the entry is in.
    await runner.query(`
      CREATE FUNCTION journal_check_entry_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        -- TG_ARGV[0] names the column holding the entry id: entry_id on postings, id on journal_entries.
        checked_entry uuid := (to_jsonb(NEW) ->> TG_ARGV[0])::uuid;
        posting_count integer;
        unbalanced record;
      BEGIN
        SELECT count(*) INTO posting_count FROM postings WHERE entry_id = checked_entry;
        IF posting_count < 2 THEN
          RAISE EXCEPTION 'journal entry % has % posting(s), needs at least 2', checked_entry, posting_count
            USING ERRCODE = 'check_violation';
        END IF;
        SELECT currency, sum(amount_minor) AS total INTO unbalanced
          FROM postings WHERE entry_id = checked_entry
          GROUP BY currency HAVING sum(amount_minor) <> 0 LIMIT 1;
        IF FOUND THEN
          RAISE EXCEPTION 'journal entry % does not balance in %: postings sum to %',
            checked_entry, unbalanced.currency, unbalanced.total USING ERRCODE = 'check_violation';
        END IF;
        RETURN NULL;
      END $$`);
    await runner.query(`
      CREATE CONSTRAINT TRIGGER postings_balanced AFTER INSERT ON postings
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION journal_check_entry_balanced('entry_id')`);
    await runner.query(`
      CREATE CONSTRAINT TRIGGER journal_entries_have_postings AFTER INSERT ON journal_entries
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION journal_check_entry_balanced('id')`);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const table of ['postings', 'journal_entries', 'ledger_head', 'accounts']) {
      await runner.query(`DROP TABLE ${table}`);
    }
    for (const fn of ['journal_check_entry_balanced', 'ledger_head_advance', 'journal_refuse_change']) {
      await runner.query(`DROP FUNCTION ${fn}()`);
    }
  }
}
