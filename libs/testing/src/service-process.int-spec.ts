import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { ServiceProcess, startServiceWithDatabase } from './service-process';

/** A stand-in for a built service: answers /health on PORT, and behaves as its environment says. */
const FAKE_SERVICE = `
const http = require('node:http');
if (process.env.FAIL_AT_BOOT) {
  console.error('configuration invalid: ' + process.env.FAIL_AT_BOOT);
  process.exit(3);
}
process.on('SIGTERM', () => {
  if (process.env.IGNORE_SIGTERM) return console.log('ignoring SIGTERM');
  console.log('shutting down');
  process.exit(0);
});
http
  .createServer((request, response) => response.writeHead(request.url === '/health' ? 200 : 404).end())
  .listen(Number(process.env.PORT), '127.0.0.1', () =>
    console.log('listening as ' + process.env.GREETING + ' on ' + process.env.DATABASE_URL),
  );
`;

/** A port nothing listens on right now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('ServiceProcess', () => {
  let directory: string;
  let main: string;
  const started: ServiceProcess[] = [];

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'service-process-'));
    main = join(directory, 'main.js');
    await writeFile(main, FAKE_SERVICE);
  });

  afterAll(async () => {
    for (const service of started) await service.kill();
    await rm(directory, { recursive: true, force: true });
  });

  async function start(env: Record<string, string>, stopGraceMs?: number): Promise<ServiceProcess> {
    const service = await ServiceProcess.start({
      name: 'fake',
      main,
      port: await freePort(),
      env,
      stopGraceMs,
    });
    started.push(service);
    return service;
  }

  it('returns once the service answers /health, with its environment and output', async () => {
    const service = await start({ GREETING: 'hello-from-env' });
    expect((await fetch(`${service.url}/health`)).status).toBe(200);
    expect(service.output).toContain('listening as hello-from-env');
    expect(service.hasExited).toBe(false);
  });

  it('stops the service with SIGTERM', async () => {
    const service = await start({});
    await service.stop();
    expect(service.hasExited).toBe(true);
    expect(service.output).toContain('shutting down');
  });

  it('kills a service that ignores SIGTERM once the grace period is over', async () => {
    const service = await start({ IGNORE_SIGTERM: '1' }, 200);
    await service.stop();
    expect(service.hasExited).toBe(true);
    expect(service.output).toContain('ignoring SIGTERM');
  });

  it('fails with the exit code and output of a service that exits before it is healthy', async () => {
    const failed = ServiceProcess.start({
      name: 'fake',
      main,
      port: await freePort(),
      env: { FAIL_AT_BOOT: 'PORT_MISSING' },
    });
    await expect(failed).rejects.toThrow(/fake exited 3: .*configuration invalid: PORT_MISSING/s);
  });

  it('runs a service on a scratch database of its own and drops it on stop, or when the service fails', async () => {
    const databasesLike = async (prefix: string): Promise<string[]> => {
      const client = new Client({
        connectionString: process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
      });
      await client.connect();
      try {
        const result = await client.query<{ datname: string }>(
          'SELECT datname FROM pg_database WHERE datname LIKE $1',
          [`${prefix}%`],
        );
        return result.rows.map((row) => row.datname);
      } finally {
        await client.end();
      }
    };
    const running = await startServiceWithDatabase({
      name: 'fake',
      main,
      port: await freePort(),
      databasePrefix: 'itest_service_db',
      env: { GREETING: 'fake' },
    });
    expect(running.service.output).toContain(`on ${running.database.url}`);
    expect(await databasesLike(running.database.name)).toEqual([running.database.name]);
    await running.stop();
    expect(running.service.hasExited).toBe(true);
    expect(await databasesLike(running.database.name)).toEqual([]);

    const failed = startServiceWithDatabase({
      name: 'fake',
      main,
      port: await freePort(),
      databasePrefix: 'itest_service_dbfail',
      env: { FAIL_AT_BOOT: 'DATABASE_BROKEN' },
    });
    await expect(failed).rejects.toThrow(/fake exited 3/);
    expect(await databasesLike('itest_service_dbfail')).toEqual([]);
  });
});
