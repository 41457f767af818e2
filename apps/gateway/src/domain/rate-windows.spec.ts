import { apiKeyHash } from './credentials';
import { authFailureCounterKey, fixedWindowAt } from './rate-windows';

describe('fixedWindowAt', () => {
  it('puts a moment in its window and says how long until the window ends, rounded up', () => {
    const window = fixedWindowAt(new Date('2026-11-25T20:03:20.500Z'), 300);
    expect(window.start.toISOString()).toBe('2026-11-25T20:00:00.000Z');
    expect(window.retryAfterSeconds).toBe(100);
  });

  it('never answers a Retry-After below one second', () => {
    expect(fixedWindowAt(new Date('2026-11-25T20:04:59.999Z'), 300).retryAfterSeconds).toBe(1);
    expect(fixedWindowAt(new Date('2026-11-25T20:05:00.000Z'), 300).retryAfterSeconds).toBe(300);
  });
});

describe('authFailureCounterKey', () => {
  it('is one key per IP, never the IP in clear, never an API key hash', () => {
    const key = authFailureCounterKey('203.0.113.9');
    expect(key).toBe(authFailureCounterKey('203.0.113.9'));
    expect(key).not.toBe(authFailureCounterKey('203.0.113.10'));
    expect(key).not.toContain('203.0.113.9');
    expect(key).toMatch(/^auth_failures:[0-9a-f]{64}$/);
    expect(key).not.toMatch(/^[0-9a-f]{64}$/);
    expect(apiKeyHash('sk_test_x')).toMatch(/^[0-9a-f]{64}$/);
  });
});
