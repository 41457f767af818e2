import { AuthFailureCounter, fixedWindowAt } from './auth-failures';

const SETTINGS = { AUTH_FAILURES_PER_WINDOW: 3, AUTH_FAILURE_WINDOW_SECONDS: 300 };

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

describe('AuthFailureCounter', () => {
  const at = (time: string) => new Date(`2026-11-25T${time}Z`);

  it('throttles a client past its failures in the window, and counts afresh in the next one', () => {
    const counter = new AuthFailureCounter();
    const outcomes = [1, 2, 3, 4, 5].map(() => counter.record('203.0.113.9', SETTINGS, at('20:01:00')));
    expect(outcomes.map((outcome) => outcome.throttled)).toEqual([false, false, false, true, true]);
    expect(outcomes[3]).toEqual({ failures: 4, throttled: true, retryAfterSeconds: 240 });
    expect(counter.record('203.0.113.9', SETTINGS, at('20:05:00'))).toMatchObject({
      failures: 1,
      throttled: false,
    });
  });

  it('counts each client apart', () => {
    const counter = new AuthFailureCounter();
    for (let index = 0; index < 10; index += 1) counter.record('203.0.113.9', SETTINGS, at('20:01:00'));
    expect(counter.record('203.0.113.10', SETTINGS, at('20:01:00')).throttled).toBe(false);
  });

  it('forgets the least recently seen clients beyond its bound', () => {
    const counter = new AuthFailureCounter(2);
    for (let index = 0; index < 5; index += 1) counter.record('a', SETTINGS, at('20:01:00'));
    counter.record('b', SETTINGS, at('20:01:00'));
    counter.record('a', SETTINGS, at('20:01:01'));
    counter.record('c', SETTINGS, at('20:01:02'));
    expect(counter.trackedClients).toBe(2);
    // b was seen least recently and went; a kept its count.
    expect(counter.record('a', SETTINGS, at('20:01:03'))).toMatchObject({ failures: 7, throttled: true });
    expect(counter.record('b', SETTINGS, at('20:01:03'))).toMatchObject({ failures: 1 });
  });
});
