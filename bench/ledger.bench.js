// @ts-check
/**
 * `npm run bench:ledger`: N payment events (authorized + captured pairs) pushed through Kafka into
 * the built ledger, then the ceiling: the very rows the ledger wrote (entries, postings, balance
 * updates, head, payment positions and captures, outbox, processed events) inserted straight into
 * fresh, identically migrated databases by the two bulk paths Postgres offers: `unnest` arrays and
 * COPY FROM STDIN (pg-copy-streams), 500 entries per transaction, triggers and constraints as the
 * ledger has them. Prints entries/s and postings/s for each, and the ratio to the faster one.
 * BENCH_LEDGER_DIST runs another build of the ledger (a before/after in one sitting).
 * Not part of npm test.
 */
require('reflect-metadata');
const { randomBytes, randomUUID } = require('node:crypto');
const path = require('node:path');
const { pipeline } = require('node:stream/promises');
const { Readable } = require('node:stream');
const { Client } = require('pg');
const { from: copyFrom } = require('pg-copy-streams');
const { TOPICS, createEvent, encodeEvent } = require('@platform/contracts');
const { PLATFORM_MIGRATIONS, createDataSource, runMigrations } = require('@platform/db');
const { ServiceProcess, TestNamespace, createScratchDatabase, waitFor } = require('@platform/testing');
const LEDGER_DIST = process.env.BENCH_LEDGER_DIST ?? path.join(__dirname, '..', 'apps', 'ledger', 'dist');
const { LEDGER_MIGRATIONS } = require(path.join(LEDGER_DIST, 'migrations'));

// 9,000 payments in a realistic mix come to about 20,500 events: enough batches per partition
// that the steady rate, not start-up, is measured.
const PAYMENTS = Number(process.env.BENCH_LEDGER_PAYMENTS ?? 9_000);
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

/** Every FX_EVERY-th payment is presented in EUR and settled to the merchant in USD. */
const FX_EVERY = 7;
/** Every REFUND_EVERY-th payment is partly refunded (a quarter of it). */
const REFUND_EVERY = 4;
/** Captures per settlement report (one merchant, one currency each). */
const SETTLEMENT_CAPTURES = 25;
/** What each merchant asks to be paid out, and is paid, once settled: well within what settles. */
const PAYOUT_MINOR = 5_000n;

/**
 * The mix: authorizations and captures (USD and EUR, one in FX_EVERY an FX capture), partial
 * refunds, then the processor's settlement reports of the unrefunded captures, then a payout
 * requested and paid per merchant and currency. Settlements and payouts come last (other keys,
 * other partitions): one that overtakes what it settles is rejected, and the bench says how many.
 */
function paymentEvents() {
  const events = [];
  /** @type {Map<string, { merchantId: string, currency: string, captures: { id: string, gross: bigint }[] }>} */
  const settleable = new Map();
  for (let i = 0; i < PAYMENTS; i += 1) {
    const merchantId = `mer_bench${String(i % MERCHANTS).padStart(8, '0')}`;
    const paymentId = `pay_bench${String(i).padStart(12, '0')}`;
    const amountMinor = BigInt(1_000 + ((i * 7_919) % 90_000));
    const currency = i % 4 === 0 ? 'EUR' : 'USD';
    const fx =
      i % FX_EVERY === 0
        ? {
            settlementCurrency: 'USD',
            settlementAmountMinor: ((amountMinor * 1_085n) / 1_000n).toString(),
            rate: '1.085',
            rateVersion: 'bench-v1',
          }
        : undefined;
    const data = {
      paymentId,
      amountMinor: amountMinor.toString(),
      currency: fx === undefined ? currency : 'EUR',
      paymentMethodType: 'card',
      processor: 'simulated-a',
      processorReference: `ref_${i}`,
      ...(fx === undefined ? {} : { fx }),
    };
    const meta = {
      aggregateId: paymentId,
      aggregateSequence: 1,
      merchantId,
      correlationId: randomUUID(),
      causationId: null,
    };
    const captureId = `cap_bench${String(i).padStart(12, '0')}`;
    events.push(createEvent('payment.authorized', data, meta));
    events.push(
      createEvent('payment.captured', { ...data, captureId, final: true }, { ...meta, aggregateSequence: 2 }),
    );
    if (i % REFUND_EVERY === 1) {
      events.push(
        createEvent(
          'refund.succeeded',
          {
            refundId: `re_bench${String(i).padStart(12, '0')}`,
            paymentId,
            amountMinor: (amountMinor / 4n).toString(),
            currency: data.currency,
            paymentMethodType: 'card',
            processor: 'simulated-a',
          },
          { ...meta, aggregateSequence: 3 },
        ),
      );
    } else if (fx === undefined) {
      const key = `${merchantId}:${currency}`;
      const group = settleable.get(key) ?? { merchantId, currency, captures: [] };
      group.captures.push({ id: captureId, gross: amountMinor });
      settleable.set(key, group);
    }
  }
  let settlements = 0;
  const paidOut = new Set();
  for (const { merchantId, currency, captures } of settleable.values()) {
    for (let c = 0; c < captures.length; c += SETTLEMENT_CAPTURES) {
      const chunk = captures.slice(c, c + SETTLEMENT_CAPTURES);
      const gross = chunk.reduce((sum, capture) => sum + capture.gross, 0n);
      const fee = gross / 200n;
      const settlementId = `stl_bench${String(settlements).padStart(10, '0')}`;
      settlements += 1;
      events.push(
        createEvent(
          'settlement.reported',
          {
            settlementId,
            processor: 'simulated-a',
            currency,
            settlementDate: '2025-11-21',
            grossAmountMinor: gross.toString(),
            refundedAmountMinor: '0',
            chargebackAmountMinor: '0',
            processorFeeAmountMinor: fee.toString(),
            netAmountMinor: (gross - fee).toString(),
            captureIds: chunk.map((capture) => capture.id),
            refundIds: [],
            disputeIds: [],
          },
          {
            aggregateId: settlementId,
            aggregateSequence: 1,
            merchantId,
            correlationId: randomUUID(),
            causationId: null,
          },
        ),
      );
    }
    const payoutKey = `${merchantId}:${currency}`;
    if (paidOut.has(payoutKey)) continue;
    paidOut.add(payoutKey);
    const payout = {
      payoutId: `po_bench${String(paidOut.size).padStart(10, '0')}`,
      merchantId,
      amountMinor: PAYOUT_MINOR.toString(),
      currency,
    };
    const meta = { aggregateId: merchantId, merchantId, correlationId: randomUUID(), causationId: null };
    events.push(createEvent('payout.requested', payout, { ...meta, aggregateSequence: 1 }));
    events.push(createEvent('payout.paid', payout, { ...meta, aggregateSequence: 2 }));
  }
  return events;
}

/** How long the half-rate phase runs, and how often it produces and samples the head. */
const HALF_RATE_SECONDS = Number(process.env.BENCH_LEDGER_HALF_RATE_SECONDS ?? 10);
const HALF_RATE_TICK_MS = 100;
const HEAD_SAMPLE_MS = 5;
/** Each reader asks once per READ_EVERY_MS (an operator's dashboards, not a closed loop). */
const READ_EVERY_MS = 50;

/** @param {number[]} values @param {number} q */
function quantile(values, q) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

/**
 * Authorization and capture pairs produced at `rate` events/s for HALF_RATE_SECONDS while three
 * readers ask for a balance, a statement and the trial balance in turn. Posting latency is event
 * produced → its entry committed: the head is sampled every HEAD_SAMPLE_MS, and an entry counts as
 * committed when the head is first seen at or past its sequence.
 * @param {any} bus @param {Client} source @param {string} databaseUrl @param {string} url @param {number} rate
 */
async function halfRate(bus, source, databaseUrl, url, rate) {
  const headers = { authorization: `Bearer ${ADMIN_TOKEN}` };
  /** @type {Map<string, bigint>} */
  const producedAt = new Map();
  /** @type {[bigint, number][]} */
  const headSeen = [];
  let running = true;
  const sampler = (async () => {
    const db = new Client({ connectionString: databaseUrl });
    await db.connect();
    while (running) {
      headSeen.push([process.hrtime.bigint(), await count(db)]);
      await new Promise((resolve) => setTimeout(resolve, HEAD_SAMPLE_MS));
    }
    await db.end();
  })();
  /** @type {Record<string, number[]>} */
  const reads = { balance: [], statement: [], 'trial balance': [] };
  const paths = {
    balance: '/v1/ledger/accounts/fee_revenue:USD/balance',
    statement: `/v1/ledger/accounts/${encodeURIComponent('merchant_pending:mer_bench00000001:USD')}/statement?limit=100`,
    'trial balance': '/v1/ledger/trial-balance',
  };
  const readers = Object.entries(paths).map(async ([name, route]) => {
    while (running) {
      const started = process.hrtime.bigint();
      const response = await fetch(`${url}${route}`, { headers });
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`${name} answered ${response.status}`);
      const tookMs = Number(process.hrtime.bigint() - started) / 1e6;
      reads[name].push(tookMs);
      if (tookMs < READ_EVERY_MS) await new Promise((resolve) => setTimeout(resolve, READ_EVERY_MS - tookMs));
    }
  });
  const perTick = Math.max(2, Math.round((rate * HALF_RATE_TICK_MS) / 1_000 / 2) * 2);
  const ticks = Math.round((HALF_RATE_SECONDS * 1_000) / HALF_RATE_TICK_MS);
  const begun = Date.now();
  let payment = 0;
  for (let tick = 0; tick < ticks; tick += 1) {
    const events = [];
    for (let k = 0; k < perTick / 2; k += 1, payment += 1) {
      const paymentId = `pay_benchhalf${String(payment).padStart(12, '0')}`;
      const merchantId = `mer_bench${String(payment % MERCHANTS).padStart(8, '0')}`;
      const data = {
        paymentId,
        amountMinor: String(1_000 + ((payment * 7_919) % 90_000)),
        currency: 'USD',
        paymentMethodType: 'card',
        processor: 'simulated-a',
        processorReference: `ref_half_${payment}`,
      };
      const meta = { aggregateId: paymentId, merchantId, correlationId: randomUUID(), causationId: null };
      events.push(createEvent('payment.authorized', data, { ...meta, aggregateSequence: 1 }));
      events.push(
        createEvent(
          'payment.captured',
          { ...data, captureId: `cap_benchhalf${String(payment).padStart(12, '0')}`, final: true },
          { ...meta, aggregateSequence: 2 },
        ),
      );
    }
    const at = process.hrtime.bigint();
    for (const e of events) producedAt.set(e.id, at);
    await bus.producer.send(
      events.map((e) => ({
        topic: TOPICS.paymentsEvents.name,
        key: e.aggregateId,
        value: encodeEvent(e),
        headers: {},
      })),
    );
    const wait = begun + (tick + 1) * HALF_RATE_TICK_MS - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
  const ids = [...producedAt.keys()];
  await waitFor(
    `the ${ids.length} half-rate events posted`,
    120_000,
    async () =>
      (
        await source.query(
          'SELECT count(*)::int AS n FROM journal_entries WHERE source_event_id = ANY($1::uuid[])',
          [ids],
        )
      ).rows[0].n === ids.length,
    100,
  );
  running = false;
  await Promise.all([sampler, ...readers]);
  const rows = (
    await source.query(
      'SELECT source_event_id, sequence::int AS sequence FROM journal_entries WHERE source_event_id = ANY($1::uuid[])',
      [ids],
    )
  ).rows;
  const latencies = rows.map((row) => {
    const produced = /** @type {bigint} */ (producedAt.get(row.source_event_id));
    const seen = headSeen.find(([, head]) => head >= row.sequence);
    return seen === undefined ? NaN : Number(seen[0] - produced) / 1e6;
  });
  return { events: ids.length, rate: (perTick * 1_000) / HALF_RATE_TICK_MS, latencies, reads };
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

/** One value in COPY's text format: \N for null, backslash, tab and line breaks escaped. */
function copyText(value) {
  if (value === null || value === undefined) return '\\N';
  const text = value instanceof Date ? value.toISOString() : String(value);
  return text.replace(/[\\\t\n\r]/g, (c) =>
    c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r',
  );
}

/**
 * Inserts `rows` (arrays of column values) into `table` by `mode`: one `INSERT … SELECT FROM
 * unnest($1::type[], …)`, or one COPY FROM STDIN in text format.
 * @param {Client} target @param {'unnest' | 'copy'} mode @param {string} table
 * @param {readonly [string, string][]} columns name and type @param {readonly unknown[][]} rows
 */
async function insertRows(target, mode, table, columns, rows) {
  if (rows.length === 0) return;
  const names = columns.map(([name]) => name).join(', ');
  if (mode === 'unnest') {
    const params = columns.map((_, i) => `$${i + 1}::${columns[i][1]}[]`).join(', ');
    await target.query(
      `INSERT INTO ${table} (${names}) SELECT * FROM unnest(${params})`,
      columns.map((_, i) => rows.map((row) => row[i])),
    );
    return;
  }
  const text = rows.map((row) => row.map(copyText).join('\t')).join('\n') + '\n';
  await pipeline(Readable.from([text]), target.query(copyFrom(`COPY ${table} (${names}) FROM STDIN`)));
}

/**
 * Events the ledger has applied: processed_events holds only this run's (count(*) over tens of
 * thousands of rows, a few milliseconds, polled every 100 ms).
 * @param {Client} db
 */
async function applied(db) {
  const result = await db.query('SELECT count(*)::int AS n FROM processed_events');
  return /** @type {number} */ (result.rows[0]?.n ?? 0);
}

/**
 * Copies what the ledger wrote into `target` in batches by one bulk path, one transaction per
 * batch, and returns the seconds it took. Rows are read first, so only the writes are timed.
 * @param {Client} source @param {Client} target @param {'unnest' | 'copy'} mode
 */
async function ceiling(source, target, mode) {
  const accounts = (await source.query('SELECT id, code, type, currency FROM accounts ORDER BY id')).rows;
  const entries = (await source.query('SELECT * FROM journal_entries ORDER BY sequence')).rows;
  const postings = (await source.query('SELECT * FROM postings ORDER BY entry_id, position')).rows;
  const outbox = (
    await source.query(
      'SELECT event_id, event_type, topic, message_key, payload, headers FROM outbox ORDER BY id',
    )
  ).rows;
  const processed = (
    await source.query('SELECT consumer, event_id FROM processed_events ORDER BY processed_at')
  ).rows;
  // The state rows the posting rules keep, in their final form, each written with its first entry.
  const positions = new Map(
    (await source.query('SELECT * FROM payment_positions')).rows.map((p) => [p.payment_id, p]),
  );
  const captures = new Map((await source.query('SELECT * FROM captures')).rows.map((c) => [c.capture_id, c]));
  /** @type {Map<string, any[]>} */
  const postingsByEntry = new Map();
  for (const p of postings) {
    const lines = postingsByEntry.get(p.entry_id);
    if (lines === undefined) postingsByEntry.set(p.entry_id, [p]);
    else lines.push(p);
  }
  // Outgoing events and applied event ids, in the order they were written, shared out over the
  // batches in proportion (there are more of them than entries: rejections and ignored events).
  /** @param {readonly any[]} rows @param {number} from @param {number} to */
  const share = (rows, from, to) =>
    rows.slice(
      Math.round((from * rows.length) / entries.length),
      Math.round((to * rows.length) / entries.length),
    );
  await target.query(
    `INSERT INTO accounts (id, code, type, currency) SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[])`,
    [
      accounts.map((a) => a.id),
      accounts.map((a) => a.code),
      accounts.map((a) => a.type),
      accounts.map((a) => a.currency),
    ],
  );
  const positionColumns = /** @type {[string, string][]} */ ([
    ['payment_id', 'text'],
    ['merchant_id', 'text'],
    ['processor', 'text'],
    ['payment_method_type', 'text'],
    ['currency', 'text'],
    ['authorized_minor', 'bigint'],
    ['hold_open_minor', 'bigint'],
    ['hold_status', 'text'],
    ['captured_minor', 'bigint'],
    ['refunded_minor', 'bigint'],
    ['merchant_currency', 'text'],
    ['merchant_captured_minor', 'bigint'],
    ['merchant_refunded_minor', 'bigint'],
  ]);
  const captureColumns = /** @type {[string, string][]} */ ([
    ['capture_id', 'text'],
    ['payment_id', 'text'],
    ['merchant_id', 'text'],
    ['processor', 'text'],
    ['currency', 'text'],
    ['gross_minor', 'bigint'],
    ['merchant_currency', 'text'],
    ['net_minor', 'bigint'],
    ['settlement_id', 'text'],
  ]);
  const started = process.hrtime.bigint();
  for (let i = 0; i < entries.length; i += CEILING_BATCH_ENTRIES) {
    const batch = entries.slice(i, i + CEILING_BATCH_ENTRIES);
    const lines = batch.flatMap((e) => postingsByEntry.get(e.id) ?? []);
    const events = share(outbox, i, i + batch.length);
    const applied = share(processed, i, i + batch.length);
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
    await insertRows(
      target,
      mode,
      'processed_events',
      [
        ['consumer', 'text'],
        ['event_id', 'uuid'],
      ],
      applied.map((p) => [p.consumer, p.event_id]),
    );
    await insertRows(
      target,
      mode,
      'journal_entries',
      [
        ['id', 'uuid'],
        ['sequence', 'bigint'],
        ['source_event_id', 'uuid'],
        ['kind', 'text'],
        ['merchant_id', 'text'],
        ['payment_id', 'text'],
        ['occurred_at', 'timestamptz'],
        ['previous_hash', 'text'],
        ['hash', 'text'],
        ['aggregate_id', 'text'],
        ['details', 'jsonb'],
        ['reverses_entry_id', 'uuid'],
      ],
      batch.map((e) => [
        e.id,
        e.sequence,
        e.source_event_id,
        e.kind,
        e.merchant_id,
        e.payment_id,
        e.occurred_at,
        e.previous_hash,
        e.hash,
        e.aggregate_id,
        JSON.stringify(e.details),
        e.reverses_entry_id,
      ]),
    );
    await insertRows(
      target,
      mode,
      'postings',
      [
        ['entry_id', 'uuid'],
        ['position', 'smallint'],
        ['account_id', 'bigint'],
        ['currency', 'text'],
        ['amount_minor', 'bigint'],
      ],
      lines.map((p) => [p.entry_id, p.position, p.account_id, p.currency, p.amount_minor]),
    );
    await target.query(
      `UPDATE accounts SET balance_minor = accounts.balance_minor + d.total, version = accounts.version + d.lines
         FROM (SELECT account_id, sum(amount_minor) AS total, count(*)::int AS lines
                 FROM unnest($1::bigint[], $2::bigint[]) AS x(account_id, amount_minor)
               GROUP BY account_id) d WHERE accounts.id = d.account_id`,
      [lines.map((p) => p.account_id), lines.map((p) => p.amount_minor)],
    );
    await insertRows(
      target,
      mode,
      'outbox',
      [
        ['event_id', 'uuid'],
        ['event_type', 'text'],
        ['topic', 'text'],
        ['message_key', 'text'],
        ['payload', 'jsonb'],
        ['headers', 'jsonb'],
      ],
      events.map((o) => [
        o.event_id,
        o.event_type,
        o.topic,
        o.message_key,
        JSON.stringify(o.payload),
        JSON.stringify(o.headers),
      ]),
    );
    await insertRows(
      target,
      mode,
      'payment_positions',
      positionColumns,
      batchPositions.map((p) => positionColumns.map(([column]) => p[column])),
    );
    await insertRows(
      target,
      mode,
      'captures',
      captureColumns,
      batchCaptures.map((c) => captureColumns.map(([column]) => c[column])),
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
  const copyDb = await createScratchDatabase('ledger_bench_copy');
  /** @type {import('@platform/testing').ServiceProcess | null} */
  let ledger = null;
  const source = new Client({ connectionString: ledgerDb.url });
  const target = new Client({ connectionString: ceilingDb.url });
  const copyTarget = new Client({ connectionString: copyDb.url });
  try {
    await migrate(ceilingDb.url);
    await migrate(copyDb.url);
    const events = paymentEvents();
    const EVENTS = events.length;
    const mix = new Map();
    for (const e of events) mix.set(e.type, (mix.get(e.type) ?? 0) + 1);
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
    console.log(
      `${EVENTS} payment events (${PAYMENTS} payments; ${[...mix].map(([type, n]) => `${n} ${type}`).join(', ')}) on payments.events; starting the ledger`,
    );

    ledger = await ServiceProcess.start({
      name: 'ledger',
      main: path.join(LEDGER_DIST, 'main.js'),
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
    // Done when every event is recorded as applied (posted, rejected or ignored).
    await waitFor(
      `all ${EVENTS} events applied`,
      300_000,
      async () => (await applied(source)) === EVENTS,
      100,
    );
    const seconds = Number(process.hrtime.bigint() - startedAt.at) / 1e9;
    const entries = await count(source);
    const measured = entries - startedAt.n;
    const rejected = /** @type {number} */ (
      (await source.query("SELECT count(*)::int AS n FROM outbox WHERE event_type = 'ledger.entry_rejected'"))
        .rows[0].n
    );
    console.log(
      `${entries} entries posted, ${rejected} events rejected (a settlement or payout that overtook what it needs)`,
    );
    const postings = /** @type {number} */ (
      (await source.query('SELECT count(*)::int AS n FROM postings')).rows[0].n
    );
    const postingsMeasured = (postings * measured) / entries;
    const verify = await fetch(`http://127.0.0.1:${PORT}/v1/ledger/verify`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    const verified = /** @type {{ ok: boolean }} */ (await verify.json());
    if (!verified.ok) throw new Error(`the ledger does not verify: ${JSON.stringify(verified)}`);
    const half = await halfRate(bus, source, ledgerDb.url, service.url, measured / seconds / 2);
    await ledger.stop();

    await target.connect();
    await copyTarget.connect();
    const unnest = await ceiling(source, target, 'unnest');
    const copy = await ceiling(source, copyTarget, 'copy');
    const ledgerEntriesPerSecond = measured / seconds;
    const rate = (/** @type {{ entries: number, seconds: number }} */ r) => r.entries / r.seconds;
    const roof = rate(copy) >= rate(unnest) ? { ...copy, path: 'COPY' } : { ...unnest, path: 'unnest' };
    const ceilingEntriesPerSecond = rate(roof);
    console.log(
      `ledger through Kafka : ${ledgerEntriesPerSecond.toFixed(0)} entries/s, ${(postingsMeasured / seconds).toFixed(0)} postings/s (${measured} entries in ${seconds.toFixed(2)} s)`,
    );
    for (const [name, r] of /** @type {const} */ ([
      ['ceiling, unnest', unnest],
      ['ceiling, COPY  ', copy],
    ])) {
      console.log(
        `${name}      : ${rate(r).toFixed(0)} entries/s, ${(r.postings / r.seconds).toFixed(0)} postings/s (${r.entries} entries in ${r.seconds.toFixed(2)} s, ${CEILING_BATCH_ENTRIES} per transaction)`,
      );
    }
    console.log(
      `ratio ledger/ceiling : ${(ledgerEntriesPerSecond / ceilingEntriesPerSecond).toFixed(3)} (against ${roof.path}, the faster bulk path)`,
    );
    const ms = (/** @type {number[]} */ values) =>
      `p50 ${quantile(values, 0.5).toFixed(1)} ms, p99 ${quantile(values, 0.99).toFixed(1)} ms (${values.length})`;
    console.log(
      `at half rate (${half.rate} events/s offered, ${HALF_RATE_SECONDS} s, ${half.events} events): posting latency ${ms(half.latencies)}`,
    );
    for (const [name, values] of Object.entries(half.reads))
      console.log(`  ${name.padEnd(13)} read: ${ms(values)}`);
  } finally {
    await ledger?.kill();
    await source.end().catch(() => undefined);
    await target.end().catch(() => undefined);
    await copyTarget.end().catch(() => undefined);
    await ledgerDb.drop();
    await ceilingDb.drop();
    await copyDb.drop();
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
