import { applyRequestQueueIdleFix, type RequestQueueInternals } from './request-queue-idle-fix';

function queue(pending: unknown[], throttledUntil = -1): RequestQueueInternals & { checks: number } {
  const RequestQueue = applyRequestQueueIdleFix();
  const state = Object.create(RequestQueue.prototype) as RequestQueueInternals & { checks: number };
  Object.assign(state, { pending, throttledUntil, throttleCheckTimeoutId: null, checks: 0 });
  state.checkPendingRequests = () => {
    state.checks += 1;
  };
  return state;
}

describe('kafkajs request queue at rest', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('arms no timer while nothing is pending (kafkajs 2.2.4 looped every millisecond)', () => {
    const idle = queue([]);
    idle.scheduleCheckPendingRequests();
    expect(idle.throttleCheckTimeoutId).toBeNull();
    jest.advanceTimersByTime(1_000);
    expect(idle.checks).toBe(0);
  });

  it('checks a waiting request after 10 ms, or when the throttle ends', () => {
    const waiting = queue([{}]);
    waiting.scheduleCheckPendingRequests();
    jest.advanceTimersByTime(9);
    expect(waiting.checks).toBe(0);
    jest.advanceTimersByTime(1);
    expect(waiting.checks).toBe(1);
    expect(waiting.throttleCheckTimeoutId).toBeNull();

    const throttled = queue([{}], Date.now() + 500);
    throttled.scheduleCheckPendingRequests();
    throttled.scheduleCheckPendingRequests();
    jest.advanceTimersByTime(499);
    expect(throttled.checks).toBe(0);
    jest.advanceTimersByTime(1);
    expect(throttled.checks).toBe(1);
  });
});
