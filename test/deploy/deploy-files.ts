/** Reads the deployment files (Dockerfile, compose, Kustomize) and the code they must agree with. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import type { z } from 'zod';
import { gatewayEnvSchema } from '../../apps/gateway/src/gateway-config';
import { ledgerEnvSchema } from '../../apps/ledger/src/ledger-config';
import { paymentsEnvSchema } from '../../apps/payments/src/payments-config';
import { reportingEnvSchema } from '../../apps/reporting/src/reporting-config';
import { riskEnvSchema } from '../../apps/risk/src/risk-config';

export const ROOT = path.resolve(__dirname, '..', '..');

export const APPS = ['gateway', 'payments', 'risk', 'ledger', 'reporting'] as const;
export type AppName = (typeof APPS)[number];

type EnvSchema = z.ZodObject<z.ZodRawShape>;

/** A parsed YAML value: the yaml package gives `any`, and the tests check its shape. */
export type YamlValue = ReturnType<typeof parse>;

/** Each app's config schema, as its main.ts hands it to runService. */
export const ENV_SCHEMAS: Record<AppName, EnvSchema> = {
  gateway: gatewayEnvSchema,
  payments: paymentsEnvSchema,
  risk: riskEnvSchema,
  ledger: ledgerEnvSchema,
  reporting: reportingEnvSchema,
};

/** Variables without a default: the service refuses to start without them. */
export function requiredVariables(app: AppName): string[] {
  return Object.entries(ENV_SCHEMAS[app].shape)
    .filter(([, type]) => !type.safeParse(undefined).success)
    .map(([name]) => name)
    .sort();
}

/** The port the app listens on when PORT is unset (serviceEnvShape's default). */
export function defaultPort(app: AppName): number {
  const port: unknown = (ENV_SCHEMAS[app].shape.PORT as z.ZodTypeAny).parse(undefined);
  if (typeof port !== 'number') throw new Error(`${app}: PORT has no numeric default`);
  return port;
}

/** The error messages of the app's schema for this environment; [] when the app would start. */
export function configErrors(app: AppName, environment: Record<string, string>): string[] {
  const result = ENV_SCHEMAS[app].safeParse(environment);
  return result.success
    ? []
    : result.error.issues.map((issue) => `${String(issue.path[0])}: ${issue.message}`);
}

export function readText(relativePath: string): string {
  return fs.readFileSync(path.join(ROOT, relativePath), 'utf8');
}

export function readYaml(relativePath: string): YamlValue {
  return parse(readText(relativePath));
}

/** The Kafka version the local runner fetches. */
export function localKafkaVersion(): string {
  const match = /^const KAFKA_VERSION = '([^']+)';$/m.exec(readText('deploy/local/kafka.js'));
  if (!match?.[1]) throw new Error('KAFKA_VERSION not found in deploy/local/kafka.js');
  return match[1];
}

// ---------------------------------------------------------------- Dockerfile

export interface DockerStage {
  readonly from: string;
  readonly name: string | undefined;
  /** Instructions of the stage, continuation lines joined, comments dropped. */
  readonly instructions: string[];
}

export function dockerfileStages(text = readText('Dockerfile')): DockerStage[] {
  const lines = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const stages: { from: string; name: string | undefined; instructions: string[] }[] = [];
  for (const line of lines) {
    const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?$/i.exec(line);
    if (from?.[1]) stages.push({ from: from[1], name: from[2], instructions: [] });
    else stages.at(-1)?.instructions.push(line);
  }
  return stages;
}

/** The stage and the stages it is built FROM, nearest first. */
export function stageChain(stages: DockerStage[], name: string): DockerStage[] {
  const chain: DockerStage[] = [];
  let current = stages.find((stage) => stage.name === name);
  while (current !== undefined) {
    chain.push(current);
    const parent = current.from;
    current = stages.find((stage) => stage.name === parent);
  }
  return chain;
}

// ---------------------------------------------------------------- Kustomize

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: YamlValue;
}

const SUPPORTED_KUSTOMIZATION_FIELDS = new Set([
  'apiVersion',
  'kind',
  'namespace',
  'resources',
  'images',
  'configMapGenerator',
  'generatorOptions',
]);

interface ConfigMapGenerator {
  name: string;
  files: string[];
  options?: { labels?: Record<string, string> };
}

/** ConfigMaps generated from files: data keyed by file name, labels from generatorOptions and options. */
function generatedConfigMaps(relativeDir: string, kustomization: YamlValue): Manifest[] {
  const generators = (kustomization.configMapGenerator ?? []) as ConfigMapGenerator[];
  if (generators.length > 0 && kustomization.generatorOptions?.disableNameSuffixHash !== true) {
    throw new Error(`${relativeDir}: the tests read generated names only with disableNameSuffixHash`);
  }
  const commonLabels = (kustomization.generatorOptions?.labels ?? {}) as Record<string, string>;
  return generators.map((generator) => {
    const labels = { ...commonLabels, ...generator.options?.labels };
    return {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: generator.name, ...(Object.keys(labels).length > 0 ? { labels } : {}) },
      data: Object.fromEntries(
        generator.files.map((file) => [path.basename(file), readText(path.join(relativeDir, file))]),
      ),
    };
  });
}

/**
 * What `kubectl kustomize <dir>` gives for the features these files use (resources, namespace,
 * images, ConfigMaps generated from files without a name hash). Any other kustomization field
 * throws, so the tests never check a partial picture.
 */
export function renderKustomization(relativeDir: string): Manifest[] {
  const kustomization = readYaml(path.join(relativeDir, 'kustomization.yaml'));
  for (const field of Object.keys(kustomization)) {
    if (!SUPPORTED_KUSTOMIZATION_FIELDS.has(field)) {
      throw new Error(`${relativeDir}: kustomization field ${field} is not understood by the tests`);
    }
  }
  const manifests: Manifest[] = generatedConfigMaps(relativeDir, kustomization);
  for (const resource of (kustomization.resources ?? []) as string[]) {
    const resourcePath = path.join(relativeDir, resource);
    if (fs.statSync(path.join(ROOT, resourcePath)).isDirectory()) {
      manifests.push(...renderKustomization(resourcePath));
    } else {
      for (const document of parseAllDocuments(readText(resourcePath))) {
        if (document.errors.length > 0) throw new Error(`${resourcePath}: ${document.errors[0]?.message}`);
        const manifest = document.toJS() as Manifest | null;
        if (manifest !== null) manifests.push(manifest);
      }
    }
  }
  const namespace = kustomization.namespace as string | undefined;
  const images = (kustomization.images ?? []) as { name: string; newTag: string }[];
  for (const manifest of manifests) {
    if (namespace !== undefined && manifest.kind !== 'Namespace') manifest.metadata.namespace = namespace;
    for (const container of podContainers(manifest)) {
      const image = images.find((entry) => entry.name === container.image);
      if (image) container.image = `${image.name}:${image.newTag}`;
    }
  }
  // Like kustomize: one object per kind, namespace and name (a base included twice stays once).
  const unique = new Map(
    manifests.map((manifest) => [
      `${manifest.kind}/${manifest.metadata.namespace ?? ''}/${manifest.metadata.name}`,
      manifest,
    ]),
  );
  return [...unique.values()];
}

export function podContainers(manifest: Manifest): YamlValue[] {
  const containers = manifest.spec?.template?.spec?.containers;
  return Array.isArray(containers) ? containers : [];
}

export function findManifest(manifests: Manifest[], kind: string, name: string): Manifest {
  const found = manifests.find((manifest) => manifest.kind === kind && manifest.metadata.name === name);
  if (!found) {
    const present = manifests.map((manifest) => `${manifest.kind}/${manifest.metadata.name}`).join(', ');
    throw new Error(`${kind}/${name} missing; present: ${present}`);
  }
  return found;
}

/** Every file under deploy/ (minus the local runner) plus the root deployment files. */
export function deploymentFiles(): string[] {
  const files = ['Dockerfile', '.dockerignore', 'docker-compose.yml'];
  const walk = (relativeDir: string): void => {
    for (const entry of fs.readdirSync(path.join(ROOT, relativeDir), { withFileTypes: true })) {
      const relativePath = path.join(relativeDir, entry.name);
      if (
        relativePath === path.join('deploy', 'local') ||
        relativePath === path.join('deploy', 'compose', 'secrets')
      ) {
        continue;
      }
      if (entry.isDirectory()) walk(relativePath);
      else files.push(relativePath);
    }
  };
  walk('deploy');
  return files;
}
