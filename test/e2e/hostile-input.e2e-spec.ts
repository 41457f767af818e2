import { closeSync, openSync, readSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { join } from 'node:path';
import fc from 'fast-check';
import {
  SOUND_BODIES,
  hostileRequestFor,
  systematicRequests,
  type Credentials,
  type DocumentedRoute,
  type HostileRequest,
  type OpenApiSchema,
} from './hostile-requests';
import {
  onboardMerchant,
  readPlatform,
  request,
  requestFromAddress,
  waitFor,
  type ServiceName,
} from './platform';

/**
 * Hostile input against every documented route of every running service (routes from each
 * service's /openapi.json): generated bodies, headers, query strings and path parameters. Every
 * answer must come within a deadline, never be a 5xx, and be in the error shape when it is a 4xx;
 * afterwards every service is healthy and none logged an error-level line during the run.
 * Seeded: a failure prints the seed, and HOSTILE_INPUT_SEED=<seed> sends the same requests again
 * (HOSTILE_INPUT_REPORT=<file> writes every failure there).
 */

const platform = readPlatform();
const SERVICES: readonly ServiceName[] = ['gateway', 'payments', 'risk', 'ledger', 'reporting'];
const SEED = Number(process.env.HOSTILE_INPUT_SEED ?? Math.floor(Math.random() * 2 ** 31));
const REQUESTS_PER_RUN = Number(process.env.HOSTILE_INPUT_REQUESTS ?? 3_000);
const CONCURRENCY = 6;
/** Well above the gateway's settle wait (5 s), the longest a sound request takes. */
const REQUEST_DEADLINE_MS = 15_000;
const FAILURES_SHOWN_MAX = 10;
/** For the run's payments to settle and be booked (each waits at most the 5 s settle wait itself). */
const SETTLE_LIMIT_MS = 60_000;
/** pino's level of `error`; fatal is above it. */
const PINO_ERROR_LEVEL = 50;

/**
 * Operations whose success changes what every other test sees (the global rules and block list,
 * settlement runs, projection rebuilds, republishing the ledger): they get the hostile requests
 * without a valid token, so nothing generated can pass.
 */
const PLATFORM_WIDE = new Set([
  'risk PUT /v1/rules',
  'risk POST /v1/lists',
  'payments POST /v1/settlements/run',
  'reporting POST /v1/projections/rebuild',
  'reporting POST /v1/projections/rollback',
  'ledger POST /v1/ledger/republish',
]);

/** A loopback address of this run's own, so that its failed authentications throttle nobody else. */
const SOURCE_ADDRESS = `127.${1 + (SEED % 250)}.${1 + (Math.floor(SEED / 250) % 250)}.${2 + (SEED % 200)}`;

interface OpenApiDocument {
  paths: Record<
    string,
    Record<
      string,
      { requestBody?: { content?: Record<string, { schema?: OpenApiSchema }> }; security?: unknown[] }
    >
  >;
}

interface Outcome {
  readonly status: number | null;
  readonly text: string;
  readonly error: string | null;
}

async function documentedRoutes(service: ServiceName): Promise<DocumentedRoute[]> {
  const reply = await request<OpenApiDocument>(`${platform.services[service]}/openapi.json`);
  if (reply.status !== 200) throw new Error(`${service} /openapi.json answered ${reply.status}`);
  return Object.entries(reply.body.paths).flatMap(([path, operations]) =>
    Object.entries(operations)
      .filter(([method]) => ['get', 'post', 'put', 'delete', 'patch'].includes(method))
      .map(([method, operation]) => ({
        method: method.toUpperCase(),
        path,
        body: operation.requestBody?.content?.['application/json']?.schema,
        secured: (operation.security ?? []).length > 0,
      })),
  );
}

/** The valid tokens of a route, the one it is meant for first (the gateway documents merchant routes as secured). */
function credentialsFor(service: ServiceName, route: DocumentedRoute, merchantKey: string): Credentials {
  const valid =
    service === 'gateway'
      ? route.secured
        ? [merchantKey, platform.adminToken]
        : [platform.adminToken, merchantKey]
      : service === 'reporting'
        ? route.path.startsWith('/v1/reports')
          ? [platform.analystToken, platform.adminToken]
          : [platform.adminToken, platform.analystToken]
        : [platform.adminToken];
  return { valid, allowValid: !PLATFORM_WIDE.has(`${service} ${route.method} ${route.path}`) };
}

const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });

/**
 * Sends one request. A keep-alive socket the server closed as it was picked gives an error with
 * no answer; that is the client's race, not the server's, so such a request is sent once more on
 * a new connection.
 */
async function send(service: ServiceName, hostile: HostileRequest, fresh = false): Promise<Outcome> {
  try {
    const reply = await requestFromAddress(`${platform.services[service]}${hostile.target}`, {
      localAddress: SOURCE_ADDRESS,
      method: hostile.method,
      headers: hostile.headers,
      body: hostile.body,
      agent: fresh ? false : agent,
      signal: AbortSignal.timeout(REQUEST_DEADLINE_MS),
    });
    return { status: reply.status, text: reply.text, error: null };
  } catch (caught) {
    const error = caught as Error & { reusedSocket?: boolean };
    if (error.reusedSocket === true && !fresh) return send(service, hostile, true);
    return { status: null, text: '', error: `${error.name}: ${error.message}` };
  }
}

function isErrorShape(text: string): boolean {
  try {
    const error = (JSON.parse(text) as { error?: Record<string, unknown> }).error;
    return (
      typeof error?.type === 'string' &&
      typeof error.code === 'string' &&
      typeof error.message === 'string' &&
      (error.param === undefined || typeof error.param === 'string')
    );
  } catch {
    return false;
  }
}

/** What is wrong with an answer, or null. */
function problemOf(hostile: HostileRequest, outcome: Outcome): string | null {
  if (outcome.status === null) return `no answer: ${outcome.error}`;
  if (outcome.status >= 500) return `answered ${outcome.status}: ${outcome.text.slice(0, 300)}`;
  if (outcome.status >= 400 && hostile.method !== 'HEAD' && !isErrorShape(outcome.text)) {
    return `answered ${outcome.status} outside the error shape: ${outcome.text.slice(0, 300)}`;
  }
  return null;
}

function logFiles(): string[] {
  return readdirSync(platform.logDir)
    .filter((name) => name.endsWith('.log'))
    .map((name) => join(platform.logDir, name));
}

/** Lines appended to a file since the offset. */
function linesSince(file: string, offset: number): string[] {
  const size = statSync(file).size;
  if (size <= offset) return [];
  const buffer = Buffer.alloc(size - offset);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, buffer, 0, buffer.length, offset);
  } finally {
    closeSync(fd);
  }
  return buffer
    .toString('utf8')
    .split('\n')
    .filter((line) => line.trim() !== '');
}

/** An error-level pino line, or a line that is not the runner's own and not JSON (a crash's stack). */
function isErrorLine(line: string): boolean {
  if (/^--- \w+ starting at /.test(line)) return false;
  try {
    const level = (JSON.parse(line) as { level?: unknown }).level;
    return typeof level === 'number' && level >= PINO_ERROR_LEVEL;
  } catch {
    return true;
  }
}

interface PaymentLine {
  id: string;
  status: string;
}

/**
 * True once none of the merchant's payments is processing and reporting (downstream of the ledger)
 * counts a capture for each one that succeeded.
 */
async function paymentsSettled(merchant: Awaited<ReturnType<typeof onboardMerchant>>): Promise<boolean> {
  const payments: PaymentLine[] = [];
  for (;;) {
    const after = payments.at(-1)?.id;
    const page = await merchant.call<{ data: PaymentLine[]; has_more: boolean }>(
      `/v1/payments?limit=100${after === undefined ? '' : `&starting_after=${after}`}`,
    );
    if (page.status !== 200) return false;
    payments.push(...page.body.data);
    if (!page.body.has_more) break;
  }
  if (payments.some((payment) => payment.status === 'processing')) return false;
  const volume = await request<{ data: { count: number }[] }>(
    `${platform.services.reporting}/v1/reports/volume?merchant=${merchant.id}&limit=1000`,
    { token: platform.analystToken },
  );
  const captures = volume.body.data.reduce((sum, row) => sum + row.count, 0);
  return captures === payments.filter((payment) => payment.status === 'succeeded').length;
}

afterAll(() => agent.destroy());

describe('hostile input against every documented route', () => {
  it(`answers ${REQUESTS_PER_RUN} generated requests with no 5xx, no hang, the error shape, and stays healthy`, async () => {
    const merchant = await onboardMerchant('Hostile Input Merchant');
    // The merchant the admin routes change (name, pricing, keys), never the one the requests use.
    const target = await onboardMerchant('Hostile Input Target');
    const routes = (
      await Promise.all(
        SERVICES.map(async (service) =>
          (await documentedRoutes(service)).map((route) => ({ service, route })),
        ),
      )
    ).flat();
    for (const service of SERVICES) {
      expect({ service, documented: routes.some((entry) => entry.service === service) }).toEqual({
        service,
        documented: true,
      });
    }
    const systematic = routes.flatMap(({ service, route }) => {
      const credentials = credentialsFor(service, route, merchant.key);
      const [token] = credentials.valid;
      return !credentials.allowValid || token === undefined
        ? []
        : systematicRequests(route, token, target.id).map((hostile) => ({ service, hostile }));
    });
    const generated = fc.sample(
      fc.oneof(
        ...routes.map(({ service, route }) => ({
          // Routes that take a body have more to attack.
          weight: SOUND_BODIES[`${route.method} ${route.path}`] === undefined ? 1 : 3,
          arbitrary: hostileRequestFor(route, credentialsFor(service, route, merchant.key)).map(
            (hostile) => ({ service, hostile }),
          ),
        })),
      ),
      { seed: SEED, numRuns: Math.max(0, REQUESTS_PER_RUN - systematic.length) },
    );
    const requests = [...systematic, ...generated];
    const offsets = new Map(logFiles().map((file) => [file, statSync(file).size]));

    const failures: string[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < requests.length) {
          const index = next++;
          const { service, hostile } = requests[index]!;
          const problem = problemOf(hostile, await send(service, hostile));
          if (problem !== null) failures.push(`#${index} ${service} ${hostile.description}\n  => ${problem}`);
        }
      }),
    );

    // Payments the run made settle and reach the ledger before the next test file reads its totals.
    await waitFor("the run's payments to settle and reach the ledger", SETTLE_LIMIT_MS, () =>
      paymentsSettled(merchant),
    );

    const unhealthy: string[] = [];
    for (const service of SERVICES) {
      const health = await request(`${platform.services[service]}/health`);
      if (health.status !== 200) unhealthy.push(`${service}: ${health.status} ${health.text}`);
    }
    const errorLines = logFiles().flatMap((file) =>
      linesSince(file, offsets.get(file) ?? 0)
        .filter(isErrorLine)
        .map((line) => `${file}: ${line.slice(0, 500)}`),
    );
    if (failures.length + unhealthy.length + errorLines.length > 0) {
      process.stderr.write(`hostile input failed; reproduce with HOSTILE_INPUT_SEED=${SEED}\n`);
      const report = process.env.HOSTILE_INPUT_REPORT;
      if (report !== undefined) writeFileSync(report, [...failures, ...unhealthy, ...errorLines].join('\n'));
    }
    expect({
      seed: SEED,
      failures: failures.length,
      firstFailures: failures.slice(0, FAILURES_SHOWN_MAX),
      unhealthy,
      errorLines: errorLines.slice(0, FAILURES_SHOWN_MAX),
    }).toEqual({ seed: SEED, failures: 0, firstFailures: [], unhealthy: [], errorLines: [] });
  });
});
