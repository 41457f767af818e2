import { z } from 'zod';
import { ConfigError, loadConfig } from './load-config';
import { env, serviceEnvShape } from './env-types';

const schema = z.object({
  ...serviceEnvShape({ port: 3003, database: 'platform_ledger' }),
  ADMIN_TOKEN: env.secret(),
});

describe('loadConfig', () => {
  it('applies checked defaults', () => {
    const config = loadConfig('ledger', schema, { ADMIN_TOKEN: 'a'.repeat(32) });
    expect(config.PORT).toBe(3003);
    expect(config.DATABASE_URL).toBe('postgres://postgres@127.0.0.1:5432/platform_ledger');
    expect(config.KAFKA_BROKERS).toEqual(['127.0.0.1:9092']);
    expect(config.KAFKA_NAMESPACE).toBe('');
  });

  it('parses values from the environment', () => {
    const config = loadConfig('ledger', schema, {
      ADMIN_TOKEN: 'a'.repeat(32),
      PORT: '4000',
      KAFKA_BROKERS: '10.0.0.1:9092,10.0.0.2:9092',
    });
    expect(config.PORT).toBe(4000);
    expect(config.KAFKA_BROKERS).toEqual(['10.0.0.1:9092', '10.0.0.2:9092']);
  });

  it('lists every bad variable at once', () => {
    let error: unknown;
    try {
      loadConfig('ledger', schema, { PORT: 'abc', KAFKA_BROKERS: 'nohost', LOG_LEVEL: 'loud' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const variables = (error as ConfigError).issues.map((issue) => issue.variable).sort();
    expect(variables).toEqual(['ADMIN_TOKEN', 'KAFKA_BROKERS', 'LOG_LEVEL', 'PORT']);
    expect((error as ConfigError).message).toContain('ledger: invalid environment');
  });

  describe('JSON variables', () => {
    const jsonSchema = z.object({
      FEES: env.json(z.record(z.string(), z.number().int().min(0)), '{"simulated-a":180}'),
      RULES: env.json(z.array(z.string()).max(2), '[]'),
    });

    it('parses the value, or the fallback when unset', () => {
      expect(loadConfig('payments', jsonSchema, { RULES: '["a","b"]' })).toEqual({
        FEES: { 'simulated-a': 180 },
        RULES: ['a', 'b'],
      });
    });

    it('lists a value that is not JSON and one the schema refuses, each by its variable', () => {
      let error: unknown;
      try {
        loadConfig('payments', jsonSchema, { FEES: '{"simulated-a":', RULES: '["a","b","c"]' });
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ConfigError);
      const issues = (error as ConfigError).issues;
      expect(issues.map((issue) => issue.variable).sort()).toEqual(['FEES', 'RULES']);
      expect(issues.find((issue) => issue.variable === 'FEES')?.message).toBe('must be JSON');
      expect((error as ConfigError).message).toMatch(/RULES: .*at most 2/);
    });
  });

  it('keeps published outbox rows 168 hours unless OUTBOX_RETENTION_HOURS says otherwise, at least 1', () => {
    const token = { ADMIN_TOKEN: 'a'.repeat(32) };
    expect(loadConfig('ledger', schema, token).OUTBOX_RETENTION_HOURS).toBe(168);
    expect(
      loadConfig('ledger', schema, { ...token, OUTBOX_RETENTION_HOURS: '1' }).OUTBOX_RETENTION_HOURS,
    ).toBe(1);
    for (const refused of ['0', '-1', '1.5', 'week']) {
      expect(() => loadConfig('ledger', schema, { ...token, OUTBOX_RETENTION_HOURS: refused })).toThrow(
        /OUTBOX_RETENTION_HOURS/,
      );
    }
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig('ledger', schema, { ADMIN_TOKEN: 'a'.repeat(32), PORT: '' }).PORT).toBe(3003);
  });
});
