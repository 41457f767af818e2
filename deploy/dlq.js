#!/usr/bin/env node
// @ts-check
/**
 * Dead-letter topics for operators: `npm run dlq -- <command>` (or `node deploy/dlq.js` in an image).
 *
 *   list                          letters per dead-letter topic, consumer group and reason
 *   show <topic> [filters]        each letter: event, group, reason, when, where it came from
 *   redrive <topic> [filters]     send the letters back to their source topic (audit line each)
 *
 * <topic> is a source topic or its .dlq (payments.events or payments.events.dlq). Filters:
 * --group <consumer group>, --event <event id>, --since <ISO time>, --from-offset <n>. Redrive also
 * takes --dry-run, --operator <name> (default $USER) and --audit-file <path> (default
 * .local/logs/dlq-audit.jsonl; every line is also printed). Brokers and namespace come from
 * KAFKA_BROKERS and KAFKA_NAMESPACE, or else from .local/platform.json (what `npm start` runs).
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const USAGE = `Usage: npm run dlq -- <command>

  list                          letters per dead-letter topic, consumer group and reason
  show <topic> [filters]        each letter: event, group, reason, when, where it came from
  redrive <topic> [filters]     send the letters back to their source topic (an audit line each)

<topic>: a source topic or its .dlq. Filters: --group <consumer group>, --event <event id>,
--since <ISO time>, --from-offset <n>. Redrive: --dry-run, --operator <name>, --audit-file <path>.`;

/** @param {string[]} argv */
function parseArgs(argv) {
  /** @type {Record<string, string | boolean>} */
  const flags = {};
  /** @type {string[]} */
  const positional = [];
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index] ?? '';
    if (!arg.startsWith('--')) {
      positional.push(arg);
    } else if (arg === '--dry-run') {
      flags['dry-run'] = true;
    } else {
      const value = argv[index + 1];
      if (value === undefined) throw new Error(`${arg} needs a value`);
      flags[arg.slice(2)] = value;
      index += 1;
    }
  }
  return { positional, flags };
}

function connectionSettings() {
  const platformFile = path.join(ROOT, '.local', 'platform.json');
  const platform = fs.existsSync(platformFile) ? JSON.parse(fs.readFileSync(platformFile, 'utf8')) : {};
  const brokers = (process.env.KAFKA_BROKERS ?? platform.kafka?.brokers?.join(',') ?? '127.0.0.1:9092').split(
    ',',
  );
  const namespace = process.env.KAFKA_NAMESPACE ?? platform.namespace ?? '';
  return { brokers, namespace, clientId: `dlq-${os.hostname()}-${process.pid}` };
}

/** @param {Record<string, string | boolean>} flags */
function filterOf(flags) {
  return {
    ...(typeof flags.group === 'string' ? { consumerGroup: flags.group } : {}),
    ...(typeof flags.event === 'string' ? { eventId: flags.event } : {}),
    ...(typeof flags.since === 'string' ? { failedSince: new Date(flags.since) } : {}),
    ...(typeof flags['from-offset'] === 'string' ? { offsetFrom: BigInt(flags['from-offset']) } : {}),
  };
}

async function main() {
  const { positional, flags } = parseArgs(process.argv.slice(2));
  const [command, topicArgument] = positional;
  if (command === undefined || command === 'help') {
    console.log(USAGE);
    return 0;
  }
  const { TOPICS } = require('@platform/contracts');
  const kafkaLib = require('@platform/kafka');
  const settings = connectionSettings();
  const kafka = kafkaLib.createKafka(settings);
  /** @type {string[]} */
  const sources = Object.values(TOPICS).map((topic) => /** @type {{ name: string }} */ (topic).name);

  if (command === 'list') {
    for (const source of sources) {
      const letters = await kafkaLib.readDeadLetters(kafka, settings, kafkaLib.deadLetterTopicOf(source));
      /** @type {Map<string, number>} */
      const groups = new Map();
      for (const letter of letters) {
        const key = `${letter.consumerGroup || '?'}  ${letter.reason.slice(0, 100)}`;
        groups.set(key, (groups.get(key) ?? 0) + 1);
      }
      console.log(`${kafkaLib.deadLetterTopicOf(source)}: ${letters.length}`);
      for (const [key, count] of groups) console.log(`  ${String(count).padStart(6)}  ${key}`);
    }
    return 0;
  }
  if ((command !== 'show' && command !== 'redrive') || topicArgument === undefined) {
    console.error(USAGE);
    return 64;
  }
  const dlqTopic = kafkaLib.deadLetterTopicOf(topicArgument);
  if (!sources.includes(dlqTopic.slice(0, -'.dlq'.length))) {
    console.error(`Unknown topic ${topicArgument}; one of: ${sources.join(', ')}`);
    return 64;
  }
  const letters = (await kafkaLib.readDeadLetters(kafka, settings, dlqTopic)).filter(
    (/** @type {import('@platform/kafka').DeadLetter} */ letter) =>
      kafkaLib.matchesFilter(letter, filterOf(flags)),
  );
  if (command === 'show') {
    for (const letter of letters) {
      console.log(
        JSON.stringify({
          offset: `${letter.partition}/${letter.offset}`,
          event: letter.eventId,
          type: letter.eventType,
          group: letter.consumerGroup,
          failedAt: letter.failedAt,
          reason: letter.reason,
          source: `${letter.headers['dlq-source-topic']}/${letter.headers['dlq-source-partition']}/${letter.headers['dlq-source-offset']}`,
        }),
      );
    }
    console.log(`${letters.length} letter(s) in ${dlqTopic}`);
    return 0;
  }
  const producer = new kafkaLib.EventProducer(kafka, settings);
  await producer.connect();
  const auditFile =
    typeof flags['audit-file'] === 'string'
      ? flags['audit-file']
      : path.join(ROOT, '.local', 'logs', 'dlq-audit.jsonl');
  try {
    const records = await kafkaLib.redriveDeadLetters(producer, letters, {
      operator:
        typeof flags.operator === 'string' ? flags.operator : (process.env.USER ?? os.userInfo().username),
      dryRun: flags['dry-run'] === true,
    });
    fs.mkdirSync(path.dirname(auditFile), { recursive: true });
    for (const record of records) {
      const line = JSON.stringify(record);
      console.log(line);
      fs.appendFileSync(auditFile, `${line}\n`);
    }
    console.log(
      `${flags['dry-run'] === true ? 'would send' : 'sent'} ${records.length} letter(s) back; audit: ${auditFile}`,
    );
  } finally {
    await producer.disconnect();
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
