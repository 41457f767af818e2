// @ts-check
/**
 * `npm run bench:rebuild`: replays a large ledger through reporting's projections and prints events/s.
 * Generates BENCH_EVENTS (default 1,000,000) ledger.entry_posted events straight into ledger.events of a
 * namespace of its own, starts the built reporting service on a scratch database, and times
 *   1. the first generation projecting the whole topic from the beginning, then
 *   2. a rebuild (POST /v1/projections/rebuild): a second generation replaying it all and swapping in.
 * Everything it made (topics, database, process) is removed at the end.
 */
const { spawn } = require('node:child_process');
const { readFileSync } = require('node:fs');
const { randomBytes, randomUUID } = require('node:crypto');
const path = require('node:path');
const { Kafka, logLevel, Partitioners, CompressionTypes } = require('kafkajs');
const { Client } = require('pg');
const { TOPICS, allTopicDefinitions, physicalTopicName, parseEvent } = require('@platform/contracts');
const { createKafka, ensureTopics } = require('@platform/kafka');

const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const SEND_BATCH = 1_500;
const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const POSTGRES = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const PORT = Number(process.env.BENCH_REPORTING_PORT ?? 3599);
const REPLAY_WAIT_MS_MAX = 30 * 60 * 1000;
const MERCHANTS = Array.from({ length: 50 }, (_, i) => `mer_bench${String(i).padStart(6, '0')}`);
const METHODS = ['card', 'bank_transfer', 'wallet'];
const CURRENCIES = ['USD', 'EUR', 'JPY'];

/** A capture entry valid per the contract, built as text for speed (the first one is validated). */
function entryJson(sequence) {
  const merchant = MERCHANTS[sequence % MERCHANTS.length];
  const currency = CURRENCIES[sequence % CURRENCIES.length];
  const gross = 1_000 + (sequence % 9_000);
  const fee = Math.floor(gross / 40);
  const paymentId = `pay_bench${String(sequence).padStart(12, '0')}`;
  const occurredAt = new Date(Date.UTC(2025, 0, 1) + sequence * 30_000).toISOString();
  return {
    key: paymentId,
    value: JSON.stringify({
      id: randomUUID(),
      type: 'ledger.entry_posted',
      schemaVersion: 1,
      occurredAt,
      aggregateId: paymentId,
      aggregateSequence: 1,
      correlationId: paymentId,
      causationId: null,
      merchantId: merchant,
      data: {
        entryId: randomUUID(),
        sequence: String(sequence),
        hash: 'c'.repeat(64),
        kind: 'capture',
        sourceEventId: randomUUID(),
        postings: [
          {
            accountCode: `processor_receivable:bench:${currency}`,
            accountType: 'asset',
            currency,
            amountMinor: String(gross),
          },
          {
            accountCode: `merchant_pending:${merchant}:${currency}`,
            accountType: 'liability',
            currency,
            amountMinor: String(-(gross - fee)),
          },
          {
            accountCode: `fee_revenue:${currency}`,
            accountType: 'revenue',
            currency,
            amountMinor: String(-fee),
          },
        ],
        context: {
          merchantId: merchant,
          paymentId,
          paymentMethodType: METHODS[sequence % METHODS.length],
          currency,
          grossAmountMinor: String(gross),
          feeAmountMinor: String(fee),
          occurredAt,
        },
      },
    }),
  };
}

async function onServer(sql) {
  const client = new Client({ connectionString: POSTGRES });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function waitFor(description, limitMs, probe) {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`waited ${limitMs} ms for ${description}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function main() {
  const namespace = `bench-rebuild-${Date.now().toString(36)}`;
  const database = `bench_reporting_${randomBytes(4).toString('hex')}`;
  const adminToken = `adm_${randomBytes(12).toString('hex')}`;
  const settings = { brokers: BROKERS, clientId: 'bench-rebuild', namespace };
  const kafka = new Kafka({ clientId: 'bench-rebuild', brokers: BROKERS, logLevel: logLevel.NOTHING });
  let service;
  try {
    await ensureTopics(createKafka(settings), settings, allTopicDefinitions());
    parseEvent(JSON.parse(entryJson(1).value));
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const topic = physicalTopicName(namespace, TOPICS.ledgerEvents.name);
    const generateStart = Date.now();
    for (let from = 1; from <= EVENTS; from += SEND_BATCH) {
      const messages = [];
      for (let sequence = from; sequence < from + SEND_BATCH && sequence <= EVENTS; sequence += 1) {
        messages.push(entryJson(sequence));
      }
      await producer.send({ topic, acks: 1, compression: CompressionTypes.None, messages });
    }
    await producer.disconnect();
    console.log(`generated ${EVENTS} ledger events in ${((Date.now() - generateStart) / 1000).toFixed(1)} s`);

    await onServer(`CREATE DATABASE ${database}`);
    const url = new URL(POSTGRES);
    url.pathname = `/${database}`;
    service = spawn(process.execPath, [path.join(__dirname, '..', 'apps', 'reporting', 'dist', 'main.js')], {
      env: {
        ...process.env,
        PORT: String(PORT),
        HOST: '127.0.0.1',
        DATABASE_URL: url.toString(),
        KAFKA_BROKERS: BROKERS.join(','),
        KAFKA_NAMESPACE: namespace,
        ADMIN_TOKEN: adminToken,
        ANALYST_TOKEN: `ana_${randomBytes(12).toString('hex')}`,
        LOG_LEVEL: 'warn',
        OTEL_TRACES_EXPORTER: 'none',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    /** The reporting process's resident memory now and its peak so far, from /proc (Linux). */
    const peakMemory = () => {
      const pid = service?.pid;
      const proc = pid === undefined ? '' : readFileSync(`/proc/${pid}/status`, 'utf8');
      const kib = (/** @type {string} */ field) =>
        Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(proc)?.[1] ?? NaN);
      return `reporting RSS ${(kib('VmRSS') / 1024).toFixed(0)} MiB, peak ${(kib('VmHWM') / 1024).toFixed(0)} MiB`;
    };
    const status = async () => {
      const response = await fetch(`http://127.0.0.1:${PORT}/v1/projections/status`, {
        headers: { authorization: `Bearer ${adminToken}` },
      });
      return response.json();
    };
    const replay = async (label, generation, startedAt) => {
      await waitFor(`${label} to project every event`, REPLAY_WAIT_MS_MAX, async () => {
        const now = await status();
        const found = now.generations.find((g) => g.generation === generation);
        return (
          found &&
          found.events_applied === String(EVENTS) &&
          (generation === 1 || now.rebuild?.state === 'completed')
        );
      });
      const seconds = (Date.now() - startedAt) / 1000;
      console.log(
        `${label}: ${EVENTS} events in ${seconds.toFixed(1)} s = ${Math.round(EVENTS / seconds)} events/s; ${peakMemory()}`,
      );
    };
    await waitFor('reporting to start', 60_000, () => status().then((s) => s.active_generation === 1));
    await replay('first projection (generation 1)', 1, Date.now());
    const rebuildStart = Date.now();
    const started = await fetch(`http://127.0.0.1:${PORT}/v1/projections/rebuild`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}` },
    }).then((r) => r.json());
    await replay(`rebuild (generation ${started.generation}, swapped in)`, started.generation, rebuildStart);
  } finally {
    if (service) {
      service.kill('SIGTERM');
      await new Promise((resolve) => service.once('exit', resolve));
    }
    await onServer(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => undefined);
    const admin = kafka.admin();
    await admin.connect();
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(`${namespace}.`));
    await admin.deleteTopics({ topics }).catch(() => undefined);
    await admin.disconnect();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
