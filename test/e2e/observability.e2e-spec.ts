import * as fs from 'node:fs';
import * as path from 'node:path';
import { PROMETHEUS_SERIES, dashboardExpressions, metricNames, rules } from '../deploy/observability-files';
import { readPlatform, request, waitFor, type ServiceName } from './platform';

const platform = readPlatform();
const SERVICES: ServiceName[] = ['gateway', 'payments', 'risk', 'ledger', 'reporting'];

/** The token guarding /metrics where the platform sets one (METRICS_TOKEN, from the environment or its secrets). */
function metricsToken(): string | undefined {
  const secretsFile = path.join(platform.stateDir, 'secrets.json');
  const secrets = fs.existsSync(secretsFile)
    ? (JSON.parse(fs.readFileSync(secretsFile, 'utf8')) as Record<string, unknown>)
    : {};
  const fromSecrets = secrets.METRICS_TOKEN;
  return process.env.METRICS_TOKEN ?? (typeof fromSecrets === 'string' ? fromSecrets : undefined);
}

/** The series names one service's /metrics exports, from its `# TYPE` lines (histograms expanded). */
async function scrape(service: ServiceName): Promise<{ names: Set<string>; text: string }> {
  const token = metricsToken();
  const reply = await request<string>(`${platform.services[service]}/metrics`, {
    ...(token === undefined ? {} : { token }),
  });
  expect([service, reply.status]).toEqual([service, 200]);
  const names = new Set<string>();
  for (const [, name, type] of reply.text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    if (name === undefined) continue;
    if (type === 'histogram') for (const end of ['_bucket', '_sum', '_count']) names.add(`${name}${end}`);
    else if (type === 'summary') for (const end of ['', '_sum', '_count']) names.add(`${name}${end}`);
    else names.add(name);
  }
  return { names, text: reply.text };
}

describe('metrics of the running services', () => {
  it('export every metric a Grafana dashboard or an alert rule names', async () => {
    const exported = new Map<string, Set<ServiceName>>();
    for (const service of SERVICES) {
      for (const name of (await scrape(service)).names) {
        exported.set(name, new Set([...(exported.get(name) ?? []), service]));
      }
    }
    const named = new Set(
      [...dashboardExpressions().map(({ expr }) => expr), ...rules().map((rule) => rule.expr)].flatMap(
        metricNames,
      ),
    );
    expect(named.size).toBeGreaterThan(15);
    const missing = [...named].filter((name) => !PROMETHEUS_SERIES.has(name) && !exported.has(name));
    expect(missing).toEqual([]);
    // Each service's own figures come from that service.
    expect([...(exported.get('ledger_head_sequence') ?? [])]).toEqual(['ledger']);
    expect([...(exported.get('payments_status_transitions_total') ?? [])]).toEqual(['payments']);
    expect([...(exported.get('reporting_reconciliation_differences') ?? [])]).toEqual(['reporting']);
    expect(exported.get('platform_outbox_unpublished_rows')?.size).toBe(SERVICES.length);
  });

  it('report consumer lag per group and partition once a payment has flowed, and the ledger head', async () => {
    const paid = await request<{ status: string }>(`${platform.services.gateway}/v1/payments`, {
      method: 'POST',
      token: platform.demoMerchant.apiKey,
      body: {
        amount: 4_200,
        currency: 'usd',
        payment_method: {
          type: 'card',
          card: { number: '4242424242424242', exp_month: 12, exp_year: 2035, cvc: '123' },
        },
      },
    });
    expect(paid.body.status).toBe('succeeded');
    const lagLine =
      /^platform_consumer_lag_messages\{group="ledger",topic="payments\.events",partition="\d+",service="ledger"\} \d+$/m;
    await waitFor('the ledger to report its lag and a head past zero', 30_000, async () => {
      const { text } = await scrape('ledger');
      const head = /^ledger_head_sequence(?:\{[^}]*\})? (\d+)$/m.exec(text);
      return lagLine.test(text) && head !== null && Number(head[1]) > 0;
    });
    const payments = await scrape('payments');
    expect(payments.text).toMatch(
      /^payments_status_transitions_total\{status="succeeded",service="payments"\} [1-9]\d*$/m,
    );
  });
});
