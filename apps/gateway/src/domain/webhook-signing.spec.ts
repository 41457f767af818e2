import {
  nextAttemptAt,
  verifyWebhookSignature,
  webhookSignature,
  webhookSignatureHeader,
  webhookSignatureHeaderFor,
  type RetryPolicy,
} from './webhook-signing';

describe('webhook signatures', () => {
  const secret = 'whsec_test';
  const body = '{"id":"evt_1"}';

  it('signs "t.body" with HMAC-SHA256, as a receiver recomputes it', () => {
    // Known answer computed independently: printf '1700000000.{"id":"evt_1"}' | openssl dgst -sha256 -hmac whsec_test
    expect(webhookSignature(secret, 1_700_000_000, body)).toBe(
      'c89214b5b5da833daed6f0b8c5bb6bd58cea9022bd80ccc78230f3942d632925',
    );
    const header = webhookSignatureHeader(secret, 1_700_000_000, body);
    expect(header).toBe(`t=1700000000,v1=${webhookSignature(secret, 1_700_000_000, body)}`);
    expect(verifyWebhookSignature(secret, header, body, 1_700_000_100, 300)).toBe(true);
  });

  it('rejects another body, another secret, an old timestamp and garbage', () => {
    const header = webhookSignatureHeader(secret, 1_700_000_000, body);
    expect(verifyWebhookSignature(secret, header, '{"id":"evt_2"}', 1_700_000_000, 300)).toBe(false);
    expect(verifyWebhookSignature('whsec_other', header, body, 1_700_000_000, 300)).toBe(false);
    expect(verifyWebhookSignature(secret, header, body, 1_700_000_301, 300)).toBe(false);
    expect(verifyWebhookSignature(secret, 'nonsense', body, 1_700_000_000, 300)).toBe(false);
    expect(verifyWebhookSignature(secret, 't=1700000000,v1=zz', body, 1_700_000_000, 300)).toBe(false);
  });
});

describe('webhook signatures during a secret rotation', () => {
  const body = '{"id":"evt_2"}';

  it('carries one v1= per secret over one timestamp, so either secret verifies', () => {
    const header = webhookSignatureHeaderFor(['whsec_new', 'whsec_old'], 1_700_000_000, body);
    expect(header).toBe(
      `t=1700000000,v1=${webhookSignature('whsec_new', 1_700_000_000, body)},` +
        `v1=${webhookSignature('whsec_old', 1_700_000_000, body)}`,
    );
    expect(verifyWebhookSignature('whsec_new', header, body, 1_700_000_000, 300)).toBe(true);
    expect(verifyWebhookSignature('whsec_old', header, body, 1_700_000_000, 300)).toBe(true);
    expect(verifyWebhookSignature('whsec_other', header, body, 1_700_000_000, 300)).toBe(false);
  });

  it('with one secret is the plain header, and refuses none', () => {
    expect(webhookSignatureHeaderFor(['whsec_test'], 1_700_000_000, body)).toBe(
      webhookSignatureHeader('whsec_test', 1_700_000_000, body),
    );
    expect(() => webhookSignatureHeaderFor([], 1_700_000_000, body)).toThrow(/at least one/);
  });
});

describe('webhook retries', () => {
  const policy: RetryPolicy = { baseDelayMs: 1_000, maxDelayMs: 60_000, retryWindowMs: 3 * 86_400_000 };
  const created = new Date('2026-01-01T00:00:00Z');

  it('backs off exponentially up to the cap', () => {
    const delays = [1, 2, 3, 4, 7, 8, 30].map(
      (attempts) => (nextAttemptAt(policy, created, attempts, created)?.getTime() ?? 0) - created.getTime(),
    );
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 60_000, 60_000, 60_000]);
  });

  it('gives up once the next attempt would fall outside the retry window', () => {
    const late = new Date(created.getTime() + 3 * 86_400_000 - 500);
    expect(nextAttemptAt(policy, created, 1, late)).toBeNull();
    expect(nextAttemptAt(policy, created, 1, new Date(created.getTime() + 1_000))).not.toBeNull();
  });
});
