import { allTopicDefinitions } from '@platform/contracts';
import { GENERATORS } from '../../deploy/compose/generate-secrets';
import {
  APPS,
  configErrors,
  defaultPort,
  localKafkaVersion,
  readText,
  readYaml,
  requiredVariables,
  type AppName,
  type YamlValue,
} from './deploy-files';

// Static checks of docker-compose.yml against the code (no container engine on these machines).
const compose = readYaml('docker-compose.yml');
const services: Record<string, YamlValue> = compose.services;

/** What the container sees: `environment` plus each mounted secret, with a made-up valid value. */
function containerEnvironment(service: YamlValue): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const [name, value] of Object.entries(service.environment ?? {})) environment[name] = String(value);
  for (const secret of (service.secrets ?? []) as string[]) {
    const generate = (GENERATORS as Record<string, (() => string) | undefined>)[secret];
    if (generate === undefined) throw new Error(`secret ${secret} has no generator`);
    environment[secret] = generate();
  }
  return environment;
}

function databaseOf(url: string): { host: string; database: string } {
  const parsed = new URL(url);
  return { host: parsed.hostname, database: parsed.pathname.slice(1) };
}

describe('docker-compose.yml', () => {
  describe.each(APPS)('%s', (app: AppName) => {
    const service = services[app];
    const environment = containerEnvironment(service);

    it('is built from its own Dockerfile target', () => {
      expect(service.build).toEqual({ context: '.', target: app, args: { APP: app } });
      expect(services[`${app}-migrate`].build).toEqual(service.build);
      expect(services[`${app}-migrate`].image).toBe(service.image);
      for (const container of [service, services[`${app}-migrate`]]) {
        expect(container.read_only).toBe(true);
        expect(container.security_opt).toEqual(['no-new-privileges:true']);
      }
    });

    it('gets every variable the app requires and starts with that environment', () => {
      for (const variable of requiredVariables(app)) expect(Object.keys(environment)).toContain(variable);
      expect(configErrors(app, environment)).toEqual([]);
      // Defaults made for a laptop would be wrong in a container.
      expect(environment.HOST).toBe('0.0.0.0');
      expect(environment.KAFKA_BROKERS).toBe('kafka:19092');
      expect(services.kafka.environment.KAFKA_ADVERTISED_LISTENERS).toContain('INTERNAL://kafka:19092');
      expect(databaseOf(environment.DATABASE_URL ?? '')).toEqual({
        host: 'postgres',
        database: `platform_${app}`,
      });
      // The password comes from the PGPASSWORD secret, which node-postgres reads; never from the URL.
      expect(new URL(environment.DATABASE_URL ?? '').password).toBe('');
      expect(service.secrets).toContain('PGPASSWORD');
    });

    it('listens, publishes and checks its health on the port the code uses', () => {
      const port = defaultPort(app);
      expect(Number(service.environment.PORT)).toBe(port);
      expect(service.ports).toEqual([`127.0.0.1:${port}:${port}`]);
      const test = (service.healthcheck.test as string[]).join(' ');
      expect(test).toContain(`http://127.0.0.1:${port}/health`);
    });

    it('starts after its migrations, the topics, Kafka and Postgres', () => {
      expect(service.depends_on).toMatchObject({
        postgres: { condition: 'service_healthy' },
        kafka: { condition: 'service_healthy' },
        'kafka-topics': { condition: 'service_completed_successfully' },
        [`${app}-migrate`]: { condition: 'service_completed_successfully' },
      });
      const migrate = services[`${app}-migrate`];
      expect(migrate.command).toEqual(['node', 'deploy/migrate.js']);
      expect(migrate.restart).toBe('no');
      expect(migrate.depends_on).toMatchObject({ postgres: { condition: 'service_healthy' } });
      expect(migrate.environment.DATABASE_URL).toBe(service.environment.DATABASE_URL);
    });

    it('exports its traces to the collector and is scraped by Prometheus', () => {
      expect(environment.OTEL_TRACES_EXPORTER).toBe('otlp');
      expect(new URL(environment.OTEL_EXPORTER_OTLP_ENDPOINT ?? '').host).toBe('otel-collector:4318');
      const prometheus = readYaml('deploy/observability/prometheus.yml');
      const job = (prometheus.scrape_configs as YamlValue[]).find((config) => config.job_name === app);
      expect(job?.metrics_path).toBe('/metrics');
      expect(job?.static_configs[0].targets).toEqual([`${app}:${defaultPort(app)}`]);
      // /metrics answers only the metrics token: the service has it, and Prometheus sends it.
      expect(service.secrets).toContain('METRICS_TOKEN');
      expect(job?.authorization).toEqual({ type: 'Bearer', credentials_file: '/run/secrets/METRICS_TOKEN' });
      expect(services.prometheus.secrets).toContain('METRICS_TOKEN');
    });
  });

  it('runs Kafka in KRaft mode with the version of the local runner', () => {
    const version = localKafkaVersion();
    expect(services.kafka.image).toBe(`apache/kafka:${version}`);
    expect(services['kafka-topics'].image).toBe(`apache/kafka:${version}`);
    expect(services.kafka.environment.KAFKA_PROCESS_ROLES).toBe('broker,controller');
    expect(services.kafka.environment.KAFKA_AUTO_CREATE_TOPICS_ENABLE).toBe('false');
  });

  it('creates every topic of the registry with its partitions, and nothing else', () => {
    const script = (services['kafka-topics'].command as string[]).join('\n');
    const created = [...script.matchAll(/^\s*create (\S+) (\d+)$/gm)].map((match) => ({
      name: match[1],
      partitions: Number(match[2]),
    }));
    const registry = allTopicDefinitions().map(({ name, partitions }) => ({ name, partitions }));
    expect(created).toEqual(registry);
    expect(services['kafka-topics'].depends_on).toEqual({ kafka: { condition: 'service_healthy' } });
  });

  it('creates one database per service in Postgres', () => {
    const initSql = readText('deploy/compose/postgres-init.sql');
    for (const app of APPS) {
      const { database } = databaseOf(services[app].environment.DATABASE_URL);
      expect(initSql).toMatch(new RegExp(`^CREATE DATABASE ${database};$`, 'm'));
    }
    expect(services.postgres.environment.POSTGRES_PASSWORD_FILE).toBe('/run/secrets/PGPASSWORD');
    expect(services.postgres.environment.POSTGRES_HOST_AUTH_METHOD).toBeUndefined();
  });

  it('sends traces from the collector to Jaeger', () => {
    const collector = readYaml('deploy/observability/otel-collector.yaml');
    expect(collector.receivers.otlp.protocols.http.endpoint).toBe('0.0.0.0:4318');
    const exporters: string[] = collector.service.pipelines.traces.exporters;
    const jaegerExporter = exporters.map((name): YamlValue => collector.exporters[name]).find(Boolean);
    expect(jaegerExporter.endpoint).toBe('jaeger:4317');
    expect(services.jaeger).toBeDefined();
    expect(services['otel-collector'].volumes).toContain(
      './deploy/observability/otel-collector.yaml:/etc/otelcol/config.yaml:ro',
    );
  });

  it('takes every secret from a generated, git-ignored file', () => {
    const used = new Set(
      Object.values(services).flatMap((service: YamlValue) => (service.secrets ?? []) as string[]),
    );
    expect(Object.keys(compose.secrets).sort()).toEqual([...used].sort());
    for (const [name, secret] of Object.entries<YamlValue>(compose.secrets)) {
      expect(secret).toEqual({ file: `./deploy/compose/secrets/${name}` });
      expect(Object.keys(GENERATORS)).toContain(name);
    }
    expect(readText('deploy/compose/.gitignore')).toMatch(/^secrets\/$/m);
  });
});
