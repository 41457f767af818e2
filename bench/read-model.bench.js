// @ts-check
/**
 * `npm run bench:read-model`: how fast the gateway's read model takes payments' events, the hop a
 * waiting POST waits on. It applies a payment's created → authorized → captured events for many
 * payments, 100 events a transaction as the consumer runtime does (processed-event records
 * included), against a real, migrated gateway database, without Kafka (the broker is not what is
 * measured here; bench:payments measures the whole path).
 *
 * Settings: BENCH_PAYMENTS (default 5,000); BENCH_VS=/path/to/another/checkout (built) times that
 * checkout's code right after this one's and prints the ratio (before/after in one sitting). A
 * checkout whose consumer has no applyAll is timed the way its runtime applied a batch: handle()
 * per event.
 */
const path = require('node:path');
const { randomUUID } = require('node:crypto');

const HERE = path.join(__dirname, '..');
const PAYMENTS = Number(process.env.BENCH_PAYMENTS ?? 5_000);
const BATCH_SIZE = 100;
const MERCHANT = 'mer_readmodelbench000001';

async function main() {
  const here = await measure(HERE);
  if (process.env.BENCH_VS === undefined) return;
  const other = await measure(path.resolve(process.env.BENCH_VS));
  console.log(`\nevents/s, this checkout / ${process.env.BENCH_VS}: ${(here / other).toFixed(2)}`);
}

/** Times one checkout's read model; returns its events per second. */
async function measure(/** @type {string} */ ROOT) {
  const load = (/** @type {string} */ relative) => require(path.join(ROOT, relative));
  const { createEvent } = load('libs/contracts/dist');
  const { createMigratedDatabase } = load('libs/testing/dist');
  const { GATEWAY_ENTITIES } = load('apps/gateway/dist/gateway-entities');
  const { GATEWAY_MIGRATIONS } = load('apps/gateway/dist/migrations');
  const consumerModule = load('apps/gateway/dist/read-model-updater/payment-events.consumer');
  const { PaymentsRepository } = load('apps/gateway/dist/read-model/payments.repository');
  const { PaymentEntity } = load('apps/gateway/dist/read-model/payment.entity');
  const { RefundsRepository } = load('apps/gateway/dist/refunds/refunds.repository');
  const { RefundEntity } = load('apps/gateway/dist/refunds/refund.entity');
  const { PayoutsRepository } = load('apps/gateway/dist/payouts/payouts.repository');
  const { PayoutEntity } = load('apps/gateway/dist/payouts/payout.entity');
  const { DisputesRepository } = load('apps/gateway/dist/disputes/disputes.repository');
  const { DisputeEntity } = load('apps/gateway/dist/disputes/dispute.entity');
  const { CommandOutcomesRepository } = load(
    'apps/gateway/dist/command-outcomes/command-outcomes.repository',
  );
  const { CommandOutcomeEntity } = load('apps/gateway/dist/command-outcomes/command-outcome.entity');
  const { MerchantEventRecorder } = load('apps/gateway/dist/events/merchant-event-recorder.service');
  const { MerchantEventsRepository } = load('apps/gateway/dist/events/merchant-events.repository');
  const { MerchantEventEntity } = load('apps/gateway/dist/events/merchant-event.entity');
  const { WebhooksRepository } = load('apps/gateway/dist/webhooks/webhooks.repository');
  const { WebhookEndpointEntity } = load('apps/gateway/dist/webhooks/webhook-endpoint.entity');

  const db = await createMigratedDatabase('bench_read_model', {
    entities: GATEWAY_ENTITIES,
    migrations: GATEWAY_MIGRATIONS,
  });
  try {
    const source = db.dataSource;
    const consumer = new consumerModule.PaymentEventsConsumer(
      null,
      new PaymentsRepository(source.getRepository(PaymentEntity)),
      new RefundsRepository(source.getRepository(RefundEntity)),
      new MerchantEventRecorder(
        new MerchantEventsRepository(source.getRepository(MerchantEventEntity)),
        new WebhooksRepository(source.getRepository(WebhookEndpointEntity)),
      ),
      new PayoutsRepository(source.getRepository(PayoutEntity)),
      new DisputesRepository(source.getRepository(DisputeEntity)),
      new CommandOutcomesRepository(source.getRepository(CommandOutcomeEntity)),
    );
    const events = await seed(source, createEvent);
    const mode = typeof consumer.applyAll === 'function' ? 'applyAll (set-based)' : 'handle() per event';

    const cpuBefore = process.cpuUsage();
    const started = process.hrtime.bigint();
    for (let offset = 0; offset < events.length; offset += BATCH_SIZE) {
      const batch = events.slice(offset, offset + BATCH_SIZE);
      await source.transaction(async (/** @type {any} */ manager) => {
        // What the consumer runtime records first, in the same transaction.
        await manager.query(
          `INSERT INTO processed_events (consumer, event_id) SELECT 'gateway', id FROM unnest($1::uuid[]) AS e(id)
           ON CONFLICT DO NOTHING`,
          [batch.map((event) => event.id)],
        );
        if (typeof consumer.applyAll === 'function') {
          await consumer.applyAll(
            batch.map((event) => ({ event, inSpan: (/** @type {() => unknown} */ work) => work() })),
            manager,
          );
        } else {
          for (const event of batch) await consumer.handle(event, manager);
        }
      });
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const cpu = process.cpuUsage(cpuBefore);

    const [check] = await source.query(
      `SELECT count(*) FILTER (WHERE status = 'succeeded' AND last_event_sequence = 3) AS settled,
              (SELECT count(*) FROM merchant_events) AS merchant_events,
              (SELECT count(*) FROM command_outcomes WHERE outcome = 'applied') AS outcomes
         FROM payments`,
    );
    const wrong =
      Number(check.settled) !== PAYMENTS ||
      Number(check.merchant_events) !== events.length ||
      Number(check.outcomes) !== PAYMENTS;
    console.log(`\nGateway read model (${ROOT}), ${mode}`);
    console.log('| events | transactions | seconds | events/s | ms per event | node CPU ms per event |');
    console.log('|---|---|---|---|---|---|');
    console.log(
      `| ${events.length} | ${Math.ceil(events.length / BATCH_SIZE)} | ${seconds.toFixed(2)} | ${Math.round(
        events.length / seconds,
      )} | ${((seconds * 1000) / events.length).toFixed(3)} | ${(
        (cpu.user + cpu.system) /
        1000 /
        events.length
      ).toFixed(3)} |`,
    );
    console.log(
      `applied: ${check.settled}/${PAYMENTS} payments succeeded, ${check.merchant_events} merchant events, ${check.outcomes} command outcomes`,
    );
    if (wrong) throw new Error('the read model did not end where the events lead');
    return events.length / seconds;
  } finally {
    await db.close();
  }
}

/**
 * Payments in the read model as the gateway accepts them (with their create commands pending),
 * a webhook endpoint for captures, and the events in stream order: payments in flight overlap.
 */
async function seed(/** @type {any} */ source, /** @type {any} */ createEvent) {
  await source.query(
    `INSERT INTO merchants (id, name, api_key_hash, api_key_last4) VALUES ($1, 'Bench', md5($1) || md5($1), 'aaaa')`,
    [MERCHANT],
  );
  await source.query(
    `INSERT INTO webhook_endpoints (id, merchant_id, url, enabled_events, secret_key_id, secret_iv, secret_ciphertext, secret_auth_tag)
     VALUES ('we_readmodelbench00000000', $1, 'http://127.0.0.1:9/hooks', ARRAY['payment.captured'], 'k1', '\\x00', '\\x00', '\\x00')`,
    [MERCHANT],
  );
  const payments = Array.from({ length: PAYMENTS }, (_, index) => ({
    id: `pay_readmodelbench${String(index).padStart(10, '0')}`,
    command: randomUUID(),
  }));
  await source.query(
    `INSERT INTO payments (id, merchant_id, amount_minor, currency, status, capture_method, payment_method_type, correlation_id)
     SELECT id, $2, 5000, 'USD', 'processing', 'automatic', 'bank_transfer', 'bench' FROM unnest($1::text[]) AS id`,
    [payments.map((payment) => payment.id), MERCHANT],
  );
  await source.query(
    `INSERT INTO command_outcomes (command_id, merchant_id, command_type, payment_id, outcome, sent_at)
     SELECT command, $3, 'payment.create', payment, 'pending', now() FROM unnest($1::uuid[], $2::text[]) AS c(command, payment)`,
    [payments.map((payment) => payment.command), payments.map((payment) => payment.id), MERCHANT],
  );
  /** @type {any[]} */
  const events = [];
  const WINDOW = 30;
  for (let start = 0; start < payments.length; start += WINDOW) {
    const window = payments.slice(start, start + WINDOW);
    for (const [sequence, type] of /** @type {const} */ ([
      [1, 'payment.created'],
      [2, 'payment.authorized'],
      [3, 'payment.captured'],
    ])) {
      for (const payment of window) events.push(eventOf(createEvent, payment, sequence, type));
    }
  }
  return events;
}

function eventOf(
  /** @type {any} */ createEvent,
  /** @type {{ id: string, command: string }} */ payment,
  /** @type {number} */ sequence,
  /** @type {string} */ type,
) {
  const meta = {
    aggregateId: payment.id,
    aggregateSequence: sequence,
    merchantId: MERCHANT,
    correlationId: payment.command,
    causationId: sequence === 1 ? payment.command : randomUUID(),
  };
  const outcome = {
    paymentId: payment.id,
    amountMinor: '5000',
    currency: 'USD',
    paymentMethodType: 'bank_transfer',
    processor: 'simulator',
    processorReference: `ref-${payment.id}`,
  };
  if (type === 'payment.created') {
    return createEvent(
      type,
      {
        paymentId: payment.id,
        merchantId: MERCHANT,
        amountMinor: '5000',
        currency: 'USD',
        captureMethod: 'automatic',
        paymentMethod: { type: 'bank_transfer', bankTransfer: { country: 'DE' } },
      },
      meta,
    );
  }
  if (type === 'payment.authorized') return createEvent(type, outcome, meta);
  return createEvent(type, { ...outcome, captureId: `cap_${payment.id.slice(4)}`, final: true }, meta);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
