import * as fs from 'node:fs';
import * as path from 'node:path';
import { collectProcessMetrics, metricsRegistry } from '@platform/telemetry';
// Each app's own metrics register into the same registry when imported, as they do in the app.
import '../../apps/ledger/src/observability/ledger-metrics';
import '../../apps/payments/src/observability/payment-metrics';
import '../../apps/reporting/src/observability/reporting-metrics';
import { ROOT, readText, readYaml } from './deploy-files';
import {
  PROMETHEUS_SERIES,
  RULES_FILE,
  dashboardExpressions,
  dashboards,
  metricNames,
  rules,
  type Panel,
} from './observability-files';

// Static checks of the Grafana dashboards and Prometheus alert rules against the metrics the code
// registers (test/e2e/observability scrapes the running services for the same names).

/** Every series name the registry exports: histograms as _bucket, _sum and _count. */
async function exportedNames(): Promise<Set<string>> {
  collectProcessMetrics('observability-spec');
  const names = new Set<string>(PROMETHEUS_SERIES);
  for (const metric of await metricsRegistry.getMetricsAsJSON()) {
    const type = String(metric.type);
    if (type === 'histogram') for (const end of ['_bucket', '_sum', '_count']) names.add(metric.name + end);
    else if (type === 'summary') for (const end of ['', '_sum', '_count']) names.add(metric.name + end);
    else names.add(metric.name);
  }
  return names;
}

describe('metric names in PromQL', () => {
  it('finds the metrics an expression reads, and only those', () => {
    expect(
      metricNames(
        'sum by (service, le) (rate(platform_http_request_seconds_bucket{service=~"$service",status=~"5.."}[$__rate_interval])) / ignoring (le) up > 0.05 * 3',
      ),
    ).toEqual(['platform_http_request_seconds_bucket', 'up']);
    expect(metricNames('label_values(platform_http_request_seconds_count, service)')).toEqual([
      'platform_http_request_seconds_count',
    ]);
    expect(metricNames('time() - max(ledger_verify_last_run_timestamp_seconds) > 3 * 3600')).toEqual([
      'ledger_verify_last_run_timestamp_seconds',
    ]);
    expect(metricNames('min by (group) (not_a_metric_total) and on (group) other_gauge offset 5m')).toEqual([
      'not_a_metric_total',
      'other_gauge',
    ]);
  });
});

describe('Grafana dashboards and alert rules', () => {
  let exported: Set<string>;

  beforeAll(async () => {
    exported = await exportedNames();
  });

  it('name only metrics some service exports', () => {
    const expressions = [
      ...dashboardExpressions(),
      ...rules().map((rule) => ({ where: `alert ${rule.alert}`, expr: rule.expr })),
    ];
    expect(expressions.length).toBeGreaterThan(30);
    const unknown = expressions.flatMap(({ where, expr }) =>
      metricNames(expr)
        .filter((name) => !exported.has(name))
        .map((name) => `${where}: ${name}`),
    );
    expect(unknown).toEqual([]);
  });

  it('show what the platform teams asked for: HTTP, lag, events, DLQ, outbox, pool, ledger, payments', () => {
    const read = new Set(dashboardExpressions().flatMap(({ expr }) => metricNames(expr)));
    for (const name of [
      'platform_http_request_seconds_count',
      'platform_http_request_seconds_bucket',
      'platform_consumer_lag_messages',
      'platform_events_consumed_total',
      'platform_outbox_unpublished_rows',
      'platform_outbox_oldest_unpublished_age_seconds',
      'platform_db_pool_connections',
      'ledger_entries_posted_total',
      'ledger_verify_ok',
      'ledger_head_sequence',
      'payments_status_transitions_total',
      'reporting_reconciliation_differences',
    ]) {
      expect([name, read.has(name)]).toEqual([name, true]);
    }
  });

  it('query the provisioned Prometheus data source, with unique panel ids', () => {
    const datasource = readYaml('deploy/observability/grafana/provisioning/datasources/prometheus.yml')
      .datasources[0];
    for (const { file, json } of dashboards()) {
      const panels = json.panels as (Panel & { id: number })[];
      expect([file, new Set(panels.map((p) => p.id)).size]).toEqual([file, panels.length]);
      for (const panel of panels.filter((p) => p.type !== 'row')) {
        expect([file, panel.title, panel.datasource?.uid]).toEqual([file, panel.title, datasource.uid]);
      }
    }
    expect(new Set(dashboards().map(({ json }) => json.uid as string)).size).toBe(dashboards().length);
  });

  it('alert on what must wake someone, each with a severity and a summary', () => {
    const all = rules();
    expect(all.map((rule) => rule.alert)).toEqual(
      expect.arrayContaining([
        'PlatformDeadLetterGrowing',
        'PlatformConsumerLagHigh',
        'PlatformOutboxStuck',
        'LedgerVerifyFailing',
        'ReportingReconciliationDifferences',
        'PaymentsProcessingPastDeadline',
      ]),
    );
    for (const rule of all) {
      expect([rule.alert, ['page', 'ticket'].includes(rule.labels.severity ?? '')]).toEqual([
        rule.alert,
        true,
      ]);
      expect(rule.annotations.summary).toBeTruthy();
      if (rule.for !== undefined) expect(rule.for).toMatch(/^\d+[smh]$/);
    }
  });
});

describe('provisioning', () => {
  const compose = readYaml('docker-compose.yml');

  it('mounts the dashboards, the data source and the alert rules in the compose stack', () => {
    const grafana = compose.services.grafana;
    expect(grafana.volumes).toEqual(
      expect.arrayContaining([
        './deploy/observability/grafana/provisioning:/etc/grafana/provisioning:ro',
        './deploy/observability/grafana/dashboards:/var/lib/grafana/dashboards:ro',
      ]),
    );
    const provider = readYaml('deploy/observability/grafana/provisioning/dashboards/platform.yml')
      .providers[0];
    expect(provider.options.path).toBe('/var/lib/grafana/dashboards');
    const datasource = readYaml('deploy/observability/grafana/provisioning/datasources/prometheus.yml')
      .datasources[0];
    expect(new URL(datasource.url).hostname).toBe('prometheus');
    expect(compose.services.prometheus.volumes).toContain(
      './deploy/observability/alerts:/etc/prometheus/rules:ro',
    );
    expect(readYaml('deploy/observability/prometheus.yml').rule_files).toEqual([
      '/etc/prometheus/rules/*.yml',
    ]);
    expect(RULES_FILE).toMatch(/^deploy\/observability\/alerts\/[^/]+\.yml$/);
  });

  it('each app loads the metrics module this test reads', () => {
    for (const [app, module] of [
      ['ledger', 'observability/ledger-metrics'],
      ['payments', 'observability/payment-metrics'],
      ['reporting', 'observability/reporting-metrics'],
    ] as const) {
      const sources = fs
        .readdirSync(path.join(ROOT, 'apps', app, 'src'), { recursive: true, encoding: 'utf8' })
        .filter((file) => file.endsWith('.ts') && !/\.(spec|int-spec)\.ts$/.test(file))
        .map((file) => readText(path.join('apps', app, 'src', file)));
      const importer = sources.find((source) => source.includes(`/${module.split('/')[1]}'`));
      expect([app, importer !== undefined]).toEqual([app, true]);
    }
  });
});
