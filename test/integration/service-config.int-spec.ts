import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const SERVICES = ['gateway', 'payments', 'risk', 'ledger', 'reporting'] as const;
const EXIT_CONFIG = 78;

describe('a service with a bad environment', () => {
  it.each(SERVICES)('%s refuses to start and names every bad variable', (service) => {
    const main = join(__dirname, '..', '..', 'apps', service, 'dist', 'main.js');
    expect(existsSync(main)).toBe(true);
    const result = spawnSync(process.execPath, [main], {
      env: {
        PATH: process.env.PATH,
        PORT: 'not-a-port',
        KAFKA_BROKERS: 'no port here',
        DATABASE_URL: 'mysql://x',
      },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(EXIT_CONFIG);
    expect(result.stderr).toContain(`${service}: invalid environment`);
    for (const variable of ['PORT', 'KAFKA_BROKERS', 'DATABASE_URL']) {
      expect(result.stderr).toMatch(new RegExp(`^\\s+${variable}: `, 'm'));
    }
  });
});
