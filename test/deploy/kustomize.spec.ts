import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { allTopicDefinitions } from '@platform/contracts';
import {
  APPS,
  ROOT,
  configErrors,
  defaultPort,
  findManifest,
  localKafkaVersion,
  podContainers,
  readYaml,
  renderKustomization,
  requiredVariables,
  type AppName,
  type Manifest,
  type YamlValue,
} from './deploy-files';

// Static checks of deploy/k8s against the code (no cluster on these machines).
const NAMESPACE = 'payment-platform';
const SERVICE_KINDS = [
  'Deployment',
  'Service',
  'HorizontalPodAutoscaler',
  'PodDisruptionBudget',
  'ConfigMap',
  'Job',
];

/** A made-up value of the right shape for each secret the operator puts in `<app>-secrets`. */
const SAMPLE_SECRETS: Record<string, (app: AppName) => string> = {
  DATABASE_URL: (app) => `postgres://${app}:x@db.internal:5432/platform_${app}`,
  ADMIN_TOKEN: () => 'a'.repeat(32),
  ANALYST_TOKEN: () => 'b'.repeat(32),
  VAULT_KEYS: () => `k1:${Buffer.alloc(32, 7).toString('base64')}`,
  VAULT_ACTIVE_KEY_ID: () => 'k1',
  CARD_FINGERPRINT_SECRET: () => 'c'.repeat(32),
  RISK_KEY_HASH_SECRET: () => 'r'.repeat(32),
  METRICS_TOKEN: () => 'm'.repeat(32),
};

/** The environment the container gets: its ConfigMaps, literal values and secret references. */
function containerEnvironment(
  app: AppName,
  manifests: Manifest[],
  container: YamlValue,
): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const source of container.envFrom ?? []) {
    const configMap = findManifest(manifests, 'ConfigMap', source.configMapRef.name);
    Object.assign(environment, configMap.data);
  }
  for (const variable of container.env ?? []) {
    const secretRef = variable.valueFrom?.secretKeyRef;
    if (secretRef !== undefined) {
      expect(secretRef.name).toBe(`${app}-secrets`);
      expect(secretRef.key).toBe(variable.name);
      const sample = SAMPLE_SECRETS[variable.name];
      if (sample === undefined) throw new Error(`no sample for secret ${variable.name}`);
      environment[variable.name] = sample(app);
    } else if (variable.valueFrom?.fieldRef !== undefined) {
      environment[variable.name] = `${app}-7d9f8-abcde`;
    } else {
      environment[variable.name] = String(variable.value);
    }
  }
  return environment;
}

/**
 * The payment streams each service consumes. A replica past their partition count would idle in its
 * groups, so no autoscaler may go further. The one-partition control topics (ledger.commands,
 * payments.control) carry a few messages a minute: one replica takes them, the others stand by.
 */
const CONSUMED_STREAMS: Record<AppName, readonly string[]> = {
  gateway: ['payments.events', 'ledger.events'],
  payments: ['payments.commands', 'risk.events', 'ledger.events'],
  risk: ['payments.events'],
  ledger: ['payments.events', 'merchants.events'],
  reporting: ['ledger.events'],
};

describe.each(APPS)('deploy/k8s/%s', (app: AppName) => {
  const manifests = renderKustomization(path.join('deploy', 'k8s', app));
  const deployment = findManifest(manifests, 'Deployment', app);
  const [container] = podContainers(deployment);
  const podLabels = deployment.spec.template.metadata.labels;

  it('deploys the service alone, in the platform namespace, with every kind it needs', () => {
    const kinds = new Set(manifests.map((manifest) => manifest.kind));
    for (const kind of SERVICE_KINDS) expect(kinds).toContain(kind);
    for (const manifest of manifests) {
      if (manifest.kind !== 'Namespace') expect(manifest.metadata.namespace).toBe(NAMESPACE);
      // Other services' objects never come along.
      for (const other of APPS.filter((name) => name !== app)) {
        expect(manifest.metadata.name.startsWith(other)).toBe(false);
      }
    }
    // Secrets are created by the operator; the manifests only refer to them.
    expect(manifests.filter((manifest) => manifest.kind === 'Secret')).toEqual([]);
  });

  it('gives the app every variable it requires, secrets by reference, and the app accepts them', () => {
    const environment = containerEnvironment(app, manifests, container);
    for (const variable of requiredVariables(app)) expect(Object.keys(environment)).toContain(variable);
    expect(configErrors(app, environment)).toEqual([]);
    expect(environment.HOST).toBe('0.0.0.0');
    expect(environment.OTEL_TRACES_EXPORTER).toBe('otlp');
    for (const secret of [
      ...requiredVariables(app).filter((name) => name in SAMPLE_SECRETS),
      'DATABASE_URL',
    ]) {
      const variable = (container.env as YamlValue[]).find((entry) => entry.name === secret);
      expect(variable?.valueFrom?.secretKeyRef).toBeDefined();
    }
  });

  it('listens, is exposed and probed on /health at the port the code uses', () => {
    const port = defaultPort(app);
    expect(container.ports).toEqual([{ name: 'http', containerPort: port }]);
    for (const probe of ['startupProbe', 'readinessProbe']) {
      expect(container[probe].httpGet).toEqual({ path: '/health', port: 'http' });
    }
    // Liveness asks only whether the process answers: an outage of Postgres or Kafka takes pods
    // out of the Service (readiness) but must not restart every pod of every service at once.
    expect(container.livenessProbe.httpGet).toEqual({ path: '/health/live', port: 'http' });
    const service = findManifest(manifests, 'Service', app);
    expect(service.spec.ports).toEqual([{ name: 'http', port, targetPort: 'http' }]);
    expect(podLabels).toMatchObject(service.spec.selector);
    expect(deployment.spec.template.metadata.annotations['prometheus.io/port']).toBe(String(port));
    expect(deployment.spec.template.metadata.annotations['prometheus.io/path']).toBe('/metrics');
    // /metrics answers only the metrics token, which comes from the service's Secret.
    const metricsToken = (container.env as YamlValue[]).find((entry) => entry.name === 'METRICS_TOKEN');
    expect(metricsToken?.valueFrom?.secretKeyRef).toEqual({ name: `${app}-secrets`, key: 'METRICS_TOKEN' });
  });

  it('scales with an autoscaler and keeps a pod through voluntary disruptions', () => {
    const autoscaler = findManifest(manifests, 'HorizontalPodAutoscaler', app);
    expect(autoscaler.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: app });
    expect(autoscaler.spec.minReplicas).toBeGreaterThanOrEqual(2);
    expect(deployment.spec.replicas).toBeUndefined();
    const budget = findManifest(manifests, 'PodDisruptionBudget', app);
    expect(podLabels).toMatchObject(budget.spec.selector.matchLabels);
    expect(deployment.spec.selector.matchLabels).toEqual(budget.spec.selector.matchLabels);
  });

  it('scales no further than the partitions of the streams it consumes', () => {
    const autoscaler = findManifest(manifests, 'HorizontalPodAutoscaler', app);
    const partitions = CONSUMED_STREAMS[app].map((name) => {
      const topic = allTopicDefinitions().find((definition) => definition.name === name);
      if (topic === undefined) throw new Error(`${name} is not in the topic registry`);
      return topic.partitions;
    });
    expect(autoscaler.spec.maxReplicas).toBeLessThanOrEqual(Math.min(...partitions));
  });

  it('runs as a non-root user with a read-only root file system', () => {
    for (const workload of [deployment, findManifest(manifests, 'Job', `${app}-migrate`)]) {
      expect(workload.spec.template.spec.securityContext).toMatchObject({ runAsNonRoot: true });
      for (const podContainer of podContainers(workload)) {
        expect(podContainer.securityContext).toMatchObject({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
        });
      }
    }
  });

  it('migrates with a Job from the same image, reading the database URL from the Secret', () => {
    const job = findManifest(manifests, 'Job', `${app}-migrate`);
    const [migrate] = podContainers(job);
    expect(migrate.image).toBe(container.image);
    expect(container.image).toMatch(new RegExp(`^payment-platform/${app}:[\\w.-]+$`));
    expect(migrate.command).toEqual(['node', 'deploy/migrate.js', app]);
    expect(migrate.env).toEqual([
      { name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: `${app}-secrets`, key: 'DATABASE_URL' } } },
    ]);
  });
});

describe('deploy/k8s/kafka', () => {
  const manifests = renderKustomization(path.join('deploy', 'k8s', 'kafka'));
  const kafka = findManifest(manifests, 'Kafka', 'platform-kafka');

  it('declares every topic of the registry with its partitions as a Strimzi KafkaTopic', () => {
    const topics = manifests
      .filter((manifest) => manifest.kind === 'KafkaTopic')
      .map((manifest) => {
        expect(manifest.metadata.labels?.['strimzi.io/cluster']).toBe(kafka.metadata.name);
        return { name: manifest.spec.topicName as string, partitions: manifest.spec.partitions as number };
      });
    expect(topics).toEqual(allTopicDefinitions().map(({ name, partitions }) => ({ name, partitions })));
  });

  it('runs Kafka in KRaft mode with a node pool, at the version of the local runner', () => {
    expect(kafka.spec.kafka.version).toBe(localKafkaVersion());
    expect(kafka.metadata.annotations).toMatchObject({
      'strimzi.io/node-pools': 'enabled',
      'strimzi.io/kraft': 'enabled',
    });
    expect(kafka.spec.zookeeper).toBeUndefined();
    const pool = manifests.find((manifest) => manifest.kind === 'KafkaNodePool');
    expect(pool?.metadata.labels?.['strimzi.io/cluster']).toBe(kafka.metadata.name);
    expect(pool?.spec.roles).toEqual(expect.arrayContaining(['controller', 'broker']));
    expect(kafka.spec.kafka.config['auto.create.topics.enable']).toBe(false);
  });

  it('is where the services look for it', () => {
    const common = findManifest(
      renderKustomization(path.join('deploy', 'k8s', 'base')),
      'ConfigMap',
      'platform-common',
    );
    const listener = (kafka.spec.kafka.listeners as YamlValue[]).find((entry) => entry.tls === false);
    expect(common.data.KAFKA_BROKERS).toBe(`${kafka.metadata.name}-kafka-bootstrap:${listener.port}`);
  });
});

describe('deploy/k8s/observability', () => {
  const manifests = renderKustomization(path.join('deploy', 'k8s', 'observability'));

  it('runs the collector the services export to, with the pipeline of the compose stack', () => {
    const common = findManifest(
      renderKustomization(path.join('deploy', 'k8s', 'base')),
      'ConfigMap',
      'platform-common',
    );
    const endpoint = new URL(common.data.OTEL_EXPORTER_OTLP_ENDPOINT);
    const service = findManifest(manifests, 'Service', endpoint.hostname);
    expect(service.spec.ports).toContainEqual(expect.objectContaining({ port: Number(endpoint.port) }));
    const config = parse(findManifest(manifests, 'ConfigMap', 'otel-collector').data['config.yaml']);
    const composeConfig = readYaml('deploy/observability/otel-collector.yaml');
    expect(config.receivers).toEqual(composeConfig.receivers);
    expect(config.processors).toEqual(composeConfig.processors);
    expect(config.service.pipelines.traces.receivers).toEqual(['otlp']);
    const [exporter] = config.service.pipelines.traces.exporters;
    expect(config.exporters[exporter].endpoint).toBe('${env:TRACES_BACKEND_ENDPOINT}');
    const [collector] = podContainers(findManifest(manifests, 'Deployment', 'otel-collector'));
    const variables = (collector.env as YamlValue[]).map((variable) => String(variable.name));
    expect(variables).toContain('TRACES_BACKEND_ENDPOINT');
  });
});

const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
// Where kubectl is installed, its own kustomize must agree with the reading above.
(kubectl.status === 0 ? describe : describe.skip)('kubectl kustomize', () => {
  it.each([...APPS, 'kafka', 'observability'])('renders deploy/k8s/%s to the same objects', (dir) => {
    const rendered = spawnSync('kubectl', ['kustomize', path.join(ROOT, 'deploy', 'k8s', dir)], {
      encoding: 'utf8',
    });
    expect(rendered.stderr).toBe('');
    const objects = parseAllDocuments(rendered.stdout).map((document) => document.toJS() as Manifest);
    const key = (manifest: Manifest) =>
      `${manifest.kind}/${manifest.metadata.namespace ?? ''}/${manifest.metadata.name}`;
    expect(objects.map(key).sort()).toEqual(
      renderKustomization(path.join('deploy', 'k8s', dir))
        .map(key)
        .sort(),
    );
    expect(objects).toEqual(expect.arrayContaining(renderKustomization(path.join('deploy', 'k8s', dir))));
  });
});
