/**
 * Operator commands against a running reporting service (which owns the projection consumers):
 *   node apps/reporting/dist/cli/operator-cli.js rebuild      start a rebuild, print progress until swapped in
 *   node apps/reporting/dist/cli/operator-cli.js status
 *   node apps/reporting/dist/cli/operator-cli.js reconcile [against]   exit 1 when a difference is found
 * Environment: REPORTING_URL (default http://127.0.0.1:3004), ADMIN_TOKEN.
 */
const BASE_URL = process.env.REPORTING_URL ?? 'http://127.0.0.1:3004';
const POLL_INTERVAL_MS = 1_000;
const REBUILD_WAIT_MS_MAX = 6 * 60 * 60 * 1_000;

async function call(method: string, path: string): Promise<unknown> {
  const token = process.env.ADMIN_TOKEN;
  if (token === undefined || token === '') throw new Error('ADMIN_TOKEN is not set');
  const response = await fetch(`${BASE_URL}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}` },
  });
  const body: unknown = await response.json();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(body)}`);
  return body;
}

interface Status {
  rebuild: {
    generation: number;
    state: string;
    events_done: string;
    events_total: string;
    rate_per_second: number | null;
    seconds_left: number | null;
  } | null;
}

async function rebuild(): Promise<number> {
  const started = (await call('POST', '/v1/projections/rebuild')) as { generation: number };
  process.stdout.write(`rebuilding into generation ${started.generation}\n`);
  const deadline = Date.now() + REBUILD_WAIT_MS_MAX;
  while (Date.now() < deadline) {
    const { rebuild: progress } = (await call('GET', '/v1/projections/status')) as Status;
    if (progress !== null && progress.generation === started.generation) {
      process.stdout.write(
        `${progress.state}: ${progress.events_done}/${progress.events_total} events, ` +
          `${progress.rate_per_second ?? '?'} events/s, ${progress.seconds_left ?? '?'} s left\n`,
      );
      if (progress.state === 'completed') return 0;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
  process.stderr.write('the rebuild did not complete in time\n');
  return 1;
}

async function main(): Promise<number> {
  const [command, argument] = process.argv.slice(2);
  switch (command) {
    case 'rebuild':
      return rebuild();
    case 'status':
      process.stdout.write(`${JSON.stringify(await call('GET', '/v1/projections/status'), null, 2)}\n`);
      return 0;
    case 'reconcile': {
      const path =
        argument === undefined
          ? '/v1/reconciliation'
          : `/v1/reconciliation?against=${encodeURIComponent(argument)}`;
      const report = (await call('GET', path)) as { difference_count: number };
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      return report.difference_count === 0 ? 0 : 1;
    }
    default:
      process.stderr.write('usage: operator-cli.js rebuild | status | reconcile [generation|retired]\n');
      return 64;
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
