// @ts-check
/**
 * `npm run bench:ledger`: N payment events (authorized + captured pairs) pushed through Kafka into
 * the built ledger, then the ceiling: the very rows the ledger wrote (entries, postings, balance
 * updates, head, payment positions and captures, outbox, processed events) inserted straight into
 * a fresh, identically migrated database with batched inserts through pg. Prints entries/s,
 * postings/s and the ratio. Not part of npm test.
 */
require('reflect-metadata');
const { randomBytes, randomUUID } = require('node:crypto');
const path = require('node:path');
const { Client } = require('pg');
const { TOPICS, createEvent, encodeEvent } = require('@platform/contracts');
const { PLATFORM_MIGRATIONS, createDataSource, runMigrations } = require('@platform/db');
const { ServiceProcess, TestNamespace, createScratchDatabase, waitFor } = require('@platform/testing');
const { LEDGER_MIGRATIONS } = require('../apps/ledger/dist/migrations');

// 5,000 payments (10,000 events): enough batches per partition that the steady rate, not start-up, is measured.
const PAYMENTS = Number(process.env.BENCH_LEDGER_PAYMENTS ?? 5_000);
const EVENTS = PAYMENTS * 2;
const CEILING_BATCH_ENTRIES = 500;
const PORT = 3_590;
const ADMIN_TOKEN = `adm_${randomBytes(12).toString('hex')}`;
const MERCHANTS = 20;

/** @param {string} url */
async function migrate(url) {
  const dataSource = createDataSource({
    url,
    poolSize: 2,
    applicationName: 'ledger-bench',
    entities: [],
    migrations: [...PLATFORM_MIGRATIONS, ...LEDGER_MIGRATIONS],
  });
  await dataSource.initialize();
  await runMigrations(dataSource);
  await dataSource.destroy();
}

function paymentEvents() {
  const events = [];
  for (let i = 0; i < PAYMENTS; i += 1) {
    const merchantId = `mer_bench${String(i % MERCHANTS).padStart(8, '0')}`;
    const paymentId = `pay_bench${String(i).padStart(12, '0')}`;
    const data = {
      paymentId,
      amountMinor: String(1_000 + ((i * 7_919) % 90_000)),
      currency: i % 4 === 0 ? 'EUR' : 'USD',
      paymentMethodType: 'card',
      processor: 'simulated-a',
      processorReference: `ref_${i}`,
    };
    const meta = {
      aggregateId: paymentId,
      aggregateSequence: 1,
      merchantId,
      correlationId: randomUUID(),
      causationId: null,
    };
    events.push(createEvent('payment.authorized', data, meta));
    events.push(
      createEvent(
        'payment.captured',
        { ...data, captureId: `cap_bench${String(i).padStart(12, '0')}`, final: true },
        {
          ...meta,
          aggregateSequence: 2,
        },
      ),
    );
  }
  return events;
}

/**
 * Entries posted so far: the head's sequence, the journal being gapless from 1 (the verify call
 * below checks it). One row to read, where count(*) would scan the journal 50 times a second
 * while the ledger is being measured, a load the ceiling does not carry.
 * @param {Client} db
 */
async function count(db) {
  const result = await db.query('SELECT sequence::int AS n FROM ledger_head WHERE id = 1');
  return /** @type {number} */ (result.rows[0]?.n ?? 0);
}

/**
 * Copies what the ledger wrote into `target` in batches, one transaction per batch, and returns the
 * seconds it took. Rows are read first, so only the inserts are timed.
 * @param {Client} source @param {Client} target
 */
async function ceiling(source, target) {
  const accounts = (await source.query('SELECT id, code, type, currency FROM accounts ORDER BY id')).rows;
  const entries = (await source.query('SELECT * FROM journal_entries ORDER BY sequence')).rows;
  const postings = (await source.query('SELECT * FROM postings')).rows;
  const outbox = (
    await source.query(
      'SELECT event_id, event_type, topic, message_key, payload, headers FROM outbox ORDER BY id',
    )
  ).rows;
  const processed = (await source.query('SELECT consumer, event_id FROM processed_events')).rows;
  // The state rows the posting rules keep, in their final form, each written with its first entry.
  const positions = new Map(
    (await source.query('SELECT * FROM payment_positions')).rows.map((p) => [p.payment_id, p]),
  );
  const captures = new Map((await source.query('SELECT * FROM captures')).rows.map((c) => [c.capture_id, c]));
  /** @type {Map<string, any[]>} */
  const postingsByEntry = new Map();
  for (const p of postings) postingsByEntry.set(p.entry_id, [...(postingsByEntry.get(p.entry_id) ?? []), p]);
  const outboxByEntry = new Map(outbox.map((o) => [o.payload.data?.entryId, o]));
  await target.query(
    `INSERT INTO accounts (id, code, type, currency) SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[])`,
    [
      accounts.map((a) => a.id),
      accounts.map((a) => a.code),
      accounts.map((a) => a.type),
      accounts.map((a) => a.currency),
    ],
  );
  const started = process.hrtime.bigint();
  for (let i = 0; i < entries.length; i += CEILING_BATCH_ENTRIES) {
    const batch = entries.slice(i, i + CEILING_BATCH_ENTRIES);
    const lines = batch.flatMap((e) => postingsByEntry.get(e.id) ?? []);
    const events = batch.map((e) => outboxByEntry.get(e.id)).filter(Boolean);
    const applied = processed.slice(i, i + CEILING_BATCH_ENTRIES);
    const batchPositions = [];
    for (const e of batch) {
      const position = positions.get(e.payment_id);
      if (position === undefined) continue;
      batchPositions.push(position);
      positions.delete(e.payment_id);
    }
    const batchCaptures = batch.flatMap((e) => {
      const capture = captures.get(e.details?.captureId);
      return capture === undefined ? [] : [capture];
    });
    const last = batch[batch.length - 1];
    await target.query('BEGIN');
    await target.query(
      `INSERT INTO processed_events (consumer, event_id) SELECT * FROM unnest($1::text[], $2::uuid[])`,
      [applied.map((p) => p.consumer), applied.map((p) => p.event_id)],
    );
    await target.query(
      `INSERT INTO journal_entries (id, sequence, source_event_id, kind, merchant_id, payment_id, occurred_at,
         previous_hash, hash, aggregate_id, details)
       SELECT * FROM unnest($1::uuid[], $2::bigint[], $3::uuid[], $4::text[], $5::text[], $6::text[],
         $7::timestamptz[], $8::text[], $9::text[], $10::text[], $11::jsonb[])`,
      [
        batch.map((e) => e.id),
        batch.map((e) => e.sequence),
        batch.map((e) => e.source_event_id),
        batch.map((e) => e.kind),
        batch.map((e) => e.merchant_id),
        batch.map((e) => e.payment_id),
        batch.map((e) => e.occurred_at),
        batch.map((e) => e.previous_hash),
        batch.map((e) => e.hash),
        batch.map((e) => e.aggregate_id),
        batch.map((e) => JSON.stringify(e.details)),
      ],
    );
    await target.query(
      `INSERT INTO postings (entry_id, position, account_id, currency, amount_minor)
       SELECT * FROM unnest($1::uuid[], $2::smallint[], $3::bigint[], $4::text[], $5::bigint[])`,
      [
        lines.map((p) => p.entry_id),
        lines.map((p) => p.position),
        lines.map((p) => p.account_id),
        lines.map((p) => p.currency),
        lines.map((p) => p.amount_minor),
      ],
    );
    await target.query(
      `UPDATE accounts SET balance_minor = accounts.balance_minor + d.total, version = accounts.version + 1
         FROM (SELECT account_id, sum(amount_minor) AS total FROM unnest($1::bigint[], $2::bigint[]) AS x(account_id, amount_minor)
               GROUP BY account_id) d WHERE accounts.id = d.account_id`,
      [lines.map((p) => p.account_id), lines.map((p) => p.amount_minor)],
    );
    await target.query(
      `INSERT INTO outbox (event_id, event_type, topic, message_key, payload, headers)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::jsonb[])`,
      [
        events.map((o) => o.event_id),
        events.map((o) => o.event_type),
        events.map((o) => o.topic),
        events.map((o) => o.message_key),
        events.map((o) => JSON.stringify(o.payload)),
        events.map((o) => JSON.stringify(o.headers)),
      ],
    );
    await target.query(
      `INSERT INTO payment_positions (payment_id, merchant_id, processor, payment_method_type, currency,
         authorized_minor, hold_open_minor, hold_status, captured_minor, refunded_minor, merchant_currency,
         merchant_captured_minor, merchant_refunded_minor)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[],
         $5::text[], $6::bigint[], $7::bigint[], $8::text[], $9::bigint[], $10::bigint[], $11::text[],
         $12::bigint[], $13::bigint[])`,
      [
        'payment_id',
        'merchant_id',
        'processor',
        'payment_method_type',
        'currency',
        'authorized_minor',
        'hold_open_minor',
        'hold_status',
        'captured_minor',
        'refunded_minor',
        'merchant_currency',
        'merchant_captured_minor',
        'merchant_refunded_minor',
      ].map((column) => batchPositions.map((p) => p[column])),
    );
    await target.query(
      `INSERT INTO captures (capture_id, payment_id, merchant_id, processor, currency, gross_minor,
         merchant_currency, net_minor, settlement_id)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[],
         $6::bigint[], $7::text[], $8::bigint[], $9::text[])`,
      [
        'capture_id',
        'payment_id',
        'merchant_id',
        'processor',
        'currency',
        'gross_minor',
        'merchant_currency',
        'net_minor',
        'settlement_id',
      ].map((column) => batchCaptures.map((c) => c[column])),
    );
    await target.query('UPDATE ledger_head SET sequence = $1, hash = $2 WHERE id = 1', [
      last.sequence,
      last.hash,
    ]);
    await target.query('COMMIT');
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { seconds, entries: entries.length, postings: postings.length };
}

async function main() {
  const bus = await TestNamespace.create({ name: 'ledger-bench', read: [] });
  const ledgerDb = await createScratchDatabase('ledger_bench');
  const ceilingDb = await createScratchDatabase('ledger_bench_ceiling');
  /** @type {import('@platform/testing').ServiceProcess | null} */
  let ledger = null;
  const source = new Client({ connectionString: ledgerDb.url });
  const target = new Client({ connectionString: ceilingDb.url });
  try {
    await migrate(ceilingDb.url);
    const events = paymentEvents();
    for (let i = 0; i < events.length; i += 500) {
      await bus.producer.send(
        events.slice(i, i + 500).map((e) => ({
          topic: TOPICS.paymentsEvents.name,
          key: e.aggregateId,
          value: encodeEvent(e),
          headers: {},
        })),
      );
    }
    console.log(`${EVENTS} payment events (${PAYMENTS} payments) on payments.events; starting the ledger`);

    ledger = await ServiceProcess.start({
      name: 'ledger',
      main: path.join(__dirname, '..', 'apps', 'ledger', 'dist', 'main.js'),
      port: PORT,
      env: {
        ...bus.serviceEnv,
        HOST: '127.0.0.1',
        DATABASE_URL: ledgerDb.url,
        ADMIN_TOKEN,
        LOG_LEVEL: 'warn',
        OTEL_TRACES_EXPORTER: 'none',
      },
    });
    await source.connect();
    const service = ledger;
    const startedAt = await waitFor(
      'the ledger to post its first entry',
      60_000,
      async () => {
        if (service.hasExited) throw new Error(`ledger exited: ${service.output}`);
        const n = await count(source).catch(() => 0);
        return n > 0 ? { n, at: process.hrtime.bigint() } : false;
      },
      20,
    );
    await waitFor(`all ${EVENTS} entries`, 300_000, async () => (await count(source)) === EVENTS, 20);
    const seconds = Number(process.hrtime.bigint() - startedAt.at) / 1e9;
    const measured = EVENTS - startedAt.n;
    const postings = /** @type {number} */ (
      (await source.query('SELECT count(*)::int AS n FROM postings')).rows[0].n
    );
    const postingsMeasured = (postings * measured) / EVENTS;
    const verify = await fetch(`http://127.0.0.1:${PORT}/v1/ledger/verify`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    const verified = /** @type {{ ok: boolean }} */ (await verify.json());
    if (!verified.ok) throw new Error(`the ledger does not verify: ${JSON.stringify(verified)}`);
    await ledger.stop();

    await target.connect();
    const roof = await ceiling(source, target);
    const ledgerEntriesPerSecond = measured / seconds;
    const ceilingEntriesPerSecond = roof.entries / roof.seconds;
    console.log(
      `ledger through Kafka : ${ledgerEntriesPerSecond.toFixed(0)} entries/s, ${(postingsMeasured / seconds).toFixed(0)} postings/s (${measured} entries in ${seconds.toFixed(2)} s)`,
    );
    console.log(
      `ceiling, batched pg  : ${ceilingEntriesPerSecond.toFixed(0)} entries/s, ${(roof.postings / roof.seconds).toFixed(0)} postings/s (${roof.entries} entries in ${roof.seconds.toFixed(2)} s, ${CEILING_BATCH_ENTRIES} per transaction)`,
    );
    console.log(`ratio ledger/ceiling : ${(ledgerEntriesPerSecond / ceilingEntriesPerSecond).toFixed(3)}`);
  } finally {
    await ledger?.kill();
    await source.end().catch(() => undefined);
    await target.end().catch(() => undefined);
    await ledgerDb.drop();
    await ceilingDb.drop();
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
