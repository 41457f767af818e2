import { PeriodicJob, type PeriodicJobSchedule } from './periodic-job';

const INTERVAL_MS = 1_000;

class CountingJob extends PeriodicJob {
  passes = 0;
  finishPass: (() => void) | null = null;

  constructor(private readonly enabled: boolean) {
    super();
  }

  protected schedule(): PeriodicJobSchedule {
    return {
      name: 'counting job',
      intervalMs: INTERVAL_MS,
      logger: { warn: () => undefined, error: () => undefined },
      enabled: this.enabled,
    };
  }

  protected runPass(): Promise<unknown> {
    this.passes += 1;
    return new Promise<void>((resolve) => (this.finishPass = resolve));
  }
}

describe('PeriodicJob', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('starts its task when the application has booted, and runs a pass per tick', async () => {
    const job = new CountingJob(true);
    await jest.advanceTimersByTimeAsync(INTERVAL_MS * 2);
    expect(job.passes).toBe(0);
    job.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(INTERVAL_MS);
    expect(job.passes).toBe(1);
    job.finishPass?.();
    await job.beforeApplicationShutdown();
  });

  it('never starts when its schedule is disabled', async () => {
    const job = new CountingJob(false);
    job.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(INTERVAL_MS * 3);
    expect(job.passes).toBe(0);
    await job.beforeApplicationShutdown();
  });

  it('waits for the running pass before shutdown completes', async () => {
    const job = new CountingJob(true);
    job.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(INTERVAL_MS);
    let stopped = false;
    const stopping = job.beforeApplicationShutdown().then(() => (stopped = true));
    await jest.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false);
    job.finishPass?.();
    await stopping;
    expect(stopped).toBe(true);
    await jest.advanceTimersByTimeAsync(INTERVAL_MS * 3);
    expect(job.passes).toBe(1);
  });
});
