// @ts-check
/**
 * `npm run bench verify`: how long GET /v1/ledger/verify takes over BENCH_VERIFY_ENTRIES (default
 * 1,000,000) journal entries. The journal is a fixture: capture-shaped entries of three postings,
 * chained with the ledger's own entryHash and written with COPY into a freshly migrated database
 * with triggers off for the load only (session_replication_role = replica: a fixture, not a posting
 * path), balances and head set to match. The built ledger then verifies every link and balance as
 * it would in production. Not part of npm test.
 */
require('reflect-metadata');
const { randomBytes, randomUUID } = require('node:crypto');
const path = require('node:path');
const { pipeline } = require('node:stream/promises');
const { Readable } = require('node:stream');
const { Client } = require('pg');
const { from: copyFrom } = require('pg-copy-streams');
const { PLATFORM_MIGRATIONS, createDataSource, runMigrations } = require('@platform/db');
const { ServiceProcess, TestNamespace, createScratchDatabase } = require('@platform/testing');
const { LEDGER_MIGRATIONS } = require('../apps/ledger/dist/migrations');
const { GENESIS_HASH, entryHash } = require('../apps/ledger/dist/domain/entry-hash');

const ENTRIES = Number(process.env.BENCH_VERIFY_ENTRIES ?? 1_000_000);
/** Entries per COPY chunk: bounds the text held in memory at once. */
const CHUNK_ENTRIES = 20_000;
const MERCHANTS = 50;
const PORT = 3_591;
const ADMIN_TOKEN = `adm_${randomBytes(12).toString('hex')}`;
const VERIFY_LIMIT_MS = 30 * 60 * 1000;

const ACCOUNTS = [
  { id: 1, code: 'processor_receivable:simulated-a:USD', type: 'asset' },
  { id: 2, code: 'fee_revenue:USD', type: 'revenue' },
  ...Array.from({ length: MERCHANTS }, (_, i) => ({
    id: 3 + i,
    code: `merchant_pending:mer_verify${String(i).padStart(6, '0')}:USD`,
    type: 'liability',
  })),
];

async function main() {
  const bus = await TestNamespace.create({ name: 'ledger-verify-bench', read: [] });
  const database = await createScratchDatabase('ledger_verify_bench');
  /** @type {import('@platform/testing').ServiceProcess | null} */
  let ledger = null;
  const db = new Client({ connectionString: database.url });
  try {
    const dataSource = createDataSource({
      url: database.url,
      poolSize: 2,
      applicationName: 'ledger-verify-bench',
      entities: [],
      migrations: [...PLATFORM_MIGRATIONS, ...LEDGER_MIGRATIONS],
    });
    await dataSource.initialize();
    await runMigrations(dataSource);
    await dataSource.destroy();
    await db.connect();
    await db.query('SET session_replication_role = replica');
    await db.query(
      `INSERT INTO accounts (id, code, type, currency) SELECT id, code, type, 'USD'
         FROM unnest($1::bigint[], $2::text[], $3::text[]) AS a(id, code, type)`,
      [ACCOUNTS.map((a) => a.id), ACCOUNTS.map((a) => a.code), ACCOUNTS.map((a) => a.type)],
    );
    const balances = new Map(ACCOUNTS.map((a) => [a.id, 0n]));
    const loadStart = Date.now();
    let previousHash = GENESIS_HASH;
    for (let from = 1; from <= ENTRIES; from += CHUNK_ENTRIES) {
      const entryLines = [];
      const postingLines = [];
      for (let sequence = from; sequence < from + CHUNK_ENTRIES && sequence <= ENTRIES; sequence += 1) {
        const merchant = 3 + (sequence % MERCHANTS);
        const gross = BigInt(1_000 + (sequence % 9_000));
        const fee = gross / 40n;
        const lines = [
          { account: ACCOUNTS[0], amountMinor: gross },
          { account: ACCOUNTS[merchant - 1], amountMinor: -(gross - fee) },
          { account: ACCOUNTS[1], amountMinor: -fee },
        ];
        const paymentId = `pay_verify${String(sequence).padStart(12, '0')}`;
        const content = {
          id: randomUUID(),
          sequence: BigInt(sequence),
          kind: 'capture',
          sourceEventId: randomUUID(),
          merchantId: `mer_verify${String(merchant - 3).padStart(6, '0')}`,
          paymentId,
          aggregateId: paymentId,
          details: { captureId: `cap_verify${String(sequence).padStart(12, '0')}` },
          reversesEntryId: null,
          occurredAt: new Date(Date.UTC(2025, 0, 1) + sequence * 1_000),
          postings: lines.map((l) => ({
            accountCode: /** @type {{ code: string }} */ (l.account).code,
            currency: 'USD',
            amountMinor: l.amountMinor,
          })),
        };
        const hash = entryHash(previousHash, content);
        entryLines.push(
          [
            content.id,
            sequence,
            content.sourceEventId,
            'capture',
            content.merchantId,
            paymentId,
            content.occurredAt.toISOString(),
            previousHash,
            hash,
            paymentId,
            JSON.stringify(content.details),
          ].join('\t'),
        );
        lines.forEach((l, position) => {
          const id = /** @type {{ id: number }} */ (l.account).id;
          postingLines.push([content.id, position, id, 'USD', l.amountMinor.toString()].join('\t'));
          balances.set(id, /** @type {bigint} */ (balances.get(id)) + l.amountMinor);
        });
        previousHash = hash;
      }
      await db.query('BEGIN');
      await pipeline(
        Readable.from([`${entryLines.join('\n')}\n`]),
        db.query(
          copyFrom(
            `COPY journal_entries (id, sequence, source_event_id, kind, merchant_id, payment_id, occurred_at,
               previous_hash, hash, aggregate_id, details) FROM STDIN`,
          ),
        ),
      );
      await pipeline(
        Readable.from([`${postingLines.join('\n')}\n`]),
        db.query(
          copyFrom('COPY postings (entry_id, position, account_id, currency, amount_minor) FROM STDIN'),
        ),
      );
      await db.query('COMMIT');
    }
    await db.query(
      `UPDATE accounts SET balance_minor = b.balance FROM unnest($1::bigint[], $2::bigint[]) AS b(id, balance)
        WHERE accounts.id = b.id`,
      [[...balances.keys()], [...balances.values()].map(String)],
    );
    await db.query('UPDATE ledger_head SET sequence = $1, hash = $2 WHERE id = 1', [ENTRIES, previousHash]);
    await db.query('SET session_replication_role = origin');
    await db.query('VACUUM ANALYZE journal_entries, postings, accounts');
    console.log(
      `${ENTRIES} entries loaded as a fixture in ${((Date.now() - loadStart) / 1000).toFixed(1)} s`,
    );

    ledger = await ServiceProcess.start({
      name: 'ledger',
      main: path.join(__dirname, '..', 'apps', 'ledger', 'dist', 'main.js'),
      port: PORT,
      env: {
        ...bus.serviceEnv,
        HOST: '127.0.0.1',
        DATABASE_URL: database.url,
        ADMIN_TOKEN,
        LOG_LEVEL: 'warn',
        OTEL_TRACES_EXPORTER: 'none',
      },
    });
    const started = process.hrtime.bigint();
    const response = await fetch(`http://127.0.0.1:${PORT}/v1/ledger/verify`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      signal: AbortSignal.timeout(VERIFY_LIMIT_MS),
    });
    const report = /** @type {{ ok: boolean, checked_through_sequence: string }} */ (await response.json());
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (!report.ok) throw new Error(`the fixture does not verify: ${JSON.stringify(report)}`);
    console.log(
      `GET /v1/ledger/verify over ${ENTRIES} entries: ${seconds.toFixed(1)} s (${Math.round(ENTRIES / seconds)} entries/s), ok through sequence ${report.checked_through_sequence}`,
    );
  } finally {
    await ledger?.kill();
    await db.end().catch(() => undefined);
    await database.drop();
    await bus.close();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
