import { z } from 'zod';

/** Building blocks for app config schemas; each parses a string variable with a checked default. */
export const env = {
  port: (fallback: number) => z.coerce.number().int().min(1).max(65_535).default(fallback),
  integer: (fallback: number, min: number, max: number) =>
    z.coerce.number().int().min(min).max(max).default(fallback),
  string: (fallback: string) => z.string().default(fallback),
  optionalString: () => z.string().optional(),
  /** A secret has no default: a service refuses to start without it. */
  secret: (minLength = 16) => z.string().min(minLength, `must be at least ${minLength} characters`),
  url: (fallback: string) => z.string().url().default(fallback),
  postgresUrl: (fallback: string) =>
    z
      .string()
      .regex(/^postgres(ql)?:\/\/.+\/[A-Za-z0-9_]+(\?.*)?$/, 'must be postgres://user@host:port/database')
      .default(fallback),
  brokers: (fallback: string) =>
    z
      .string()
      .regex(/^[^,:\s]+:\d+(,[^,:\s]+:\d+)*$/, 'must be host:port[,host:port...]')
      .default(fallback)
      .transform((value) => value.split(',')),
  oneOf: <const T extends [string, ...string[]]>(values: T, fallback: T[number]) =>
    z.enum(values).default(fallback),
  boolean: (fallback: boolean) =>
    z
      .enum(['true', 'false', '1', '0'])
      .default(fallback ? 'true' : 'false')
      .transform((value) => value === 'true' || value === '1'),
  /**
   * A JSON value checked against schema at boot, so a bad value fails the start with the others.
   * The fallback is the variable's text when unset, and is checked the same way.
   */
  json: <S extends z.ZodTypeAny>(schema: S, fallback: string) =>
    z
      .string()
      .default(fallback)
      .transform((text, context) => {
        try {
          return JSON.parse(text) as unknown;
        } catch {
          context.addIssue({ code: z.ZodIssueCode.custom, message: 'must be JSON' });
          return z.NEVER;
        }
      })
      .pipe(schema),
};

/** Namespace for topics and consumer groups: lower-case words, dots or dashes, or empty. */
const namespace = z
  .string()
  .regex(/^([a-z0-9][a-z0-9.-]{0,40})?$/, 'must be lower-case letters, digits, dots or dashes')
  .default('');

/** The variables every service reads. */
export function serviceEnvShape(defaults: { port: number; database: string }) {
  return {
    HOST: env.string('127.0.0.1'),
    PORT: env.port(defaults.port),
    DATABASE_URL: env.postgresUrl(`postgres://postgres@127.0.0.1:5432/${defaults.database}`),
    DATABASE_POOL_SIZE: env.integer(10, 1, 100),
    KAFKA_BROKERS: env.brokers('127.0.0.1:9092'),
    KAFKA_NAMESPACE: namespace,
    /**
     * How long the group waits for a silent member (a crashed one) before moving its partitions;
     * a restarted instance waits as long for its old self to be dropped before it can join.
     */
    KAFKA_SESSION_TIMEOUT_MS: env.integer(10_000, 6_000, 300_000),
    /**
     * How long published outbox rows are kept before the pruner deletes them; the default matches
     * Kafka's default topic retention (7 days). A service can opt out (the ledger does).
     */
    OUTBOX_RETENTION_HOURS: env.integer(168, 1, 8_760),
    LOG_LEVEL: env.oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'info'),
    OTEL_TRACES_EXPORTER: env.oneOf(['none', 'otlp', 'file'], 'none'),
    OTEL_EXPORTER_OTLP_ENDPOINT: env.url('http://127.0.0.1:4318'),
    OTEL_TRACES_FILE: env.optionalString(),
    SERVICE_INSTANCE_ID: env.optionalString(),
    /** When set, GET /metrics answers only `Authorization: Bearer <METRICS_TOKEN>` (Prometheus). */
    METRICS_TOKEN: env.secret().optional(),
    /** How long a client may take to send a request's headers, then the whole request (seconds). */
    HTTP_HEADERS_TIMEOUT_SECONDS: env.integer(10, 1, 300),
    HTTP_REQUEST_TIMEOUT_SECONDS: env.integer(30, 1, 600),
    /** Open HTTP connections one instance keeps; beyond, new ones get 503 and are closed. */
    HTTP_MAX_CONNECTIONS: env.integer(1_000, 1, 100_000),
    /**
     * Failed authentications (a wrong API key, admin, analyst or metrics token) one client address,
     * or one presented credential, may make per window; beyond, its failures answer 429. A valid
     * credential is never refused for what others sent from the same address.
     */
    AUTH_FAILURES_PER_WINDOW: env.integer(20, 1, 10_000),
    AUTH_FAILURE_WINDOW_SECONDS: env.integer(300, 1, 86_400),
  };
}

export type ServiceEnv = z.infer<z.ZodObject<ReturnType<typeof serviceEnvShape>>>;
