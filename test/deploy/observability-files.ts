/** The Grafana dashboards and Prometheus alert rules of deploy/observability, and the metrics they read. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT, readText, readYaml, type YamlValue } from './deploy-files';

export const DASHBOARDS_DIR = 'deploy/observability/grafana/dashboards';
export const RULES_FILE = 'deploy/observability/alerts/platform-alerts.yml';
/** Series Prometheus makes itself, not a service. */
export const PROMETHEUS_SERIES = new Set(['up']);
const PROMQL_WORDS = new Set([
  'and',
  'or',
  'unless',
  'bool',
  'offset',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'inf',
  'nan',
]);

/** The metric names a PromQL expression reads (Grafana's $variables allowed). */
export function metricNames(expression: string): string[] {
  const labelValues = [...expression.matchAll(/label_values\(\s*([a-zA-Z_:][a-zA-Z0-9_:]*)/g)].map(
    (m) => m[1]!,
  );
  const stripped = expression
    .replace(/label_values\([^)]*\)/g, ' ')
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\$\{[^}]*\}|\$[a-zA-Z_]+/g, ' ')
    .replace(/\b\d+(?:\.\d+)?(?:e[+-]?\d+)?\b/gi, ' ');
  const names = [...stripped.matchAll(/(?<![\w:])[a-zA-Z_:][\w:]*(?![\w:])(?!\s*\()/g)]
    .map((m) => m[0])
    .filter((word) => !PROMQL_WORDS.has(word.toLowerCase()));
  return [...new Set([...labelValues, ...names])];
}

export interface Panel {
  title: string;
  type: string;
  targets?: { expr: string }[];
  datasource?: { uid: string };
}

export function dashboards(): { file: string; json: YamlValue }[] {
  return fs
    .readdirSync(path.join(ROOT, DASHBOARDS_DIR))
    .filter((file) => file.endsWith('.json'))
    .map((file) => ({ file, json: JSON.parse(readText(path.join(DASHBOARDS_DIR, file))) }));
}

export function dashboardExpressions(): { where: string; expr: string }[] {
  return dashboards().flatMap(({ file, json }) => [
    ...(json.panels as Panel[]).flatMap((panel) =>
      (panel.targets ?? []).map((target) => ({ where: `${file}: ${panel.title}`, expr: target.expr })),
    ),
    ...(json.templating.list as { name: string; query: { query: string } }[]).map((variable) => ({
      where: `${file}: $${variable.name}`,
      expr: variable.query.query,
    })),
  ]);
}

export interface Rule {
  alert: string;
  expr: string;
  for?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export function rules(): Rule[] {
  return (readYaml(RULES_FILE).groups as { rules: Rule[] }[]).flatMap((group) => group.rules);
}
