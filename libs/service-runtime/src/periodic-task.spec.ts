import { PeriodicTask, type PeriodicTaskLogger } from './periodic-task';

const INTERVAL_MS = 1_000;

/** A pass the test finishes when it chooses. */
function pendingPass(): { promise: Promise<void>; finish: () => void } {
  let finish!: () => void;
  const promise = new Promise<void>((resolve) => (finish = resolve));
  return { promise, finish };
}

function recordingLogger(): PeriodicTaskLogger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    warn: (message) => lines.push(`warn ${message}`),
    error: (message) => lines.push(`error ${message}`),
  };
}

describe('PeriodicTask', () => {
  let task: PeriodicTask | undefined;

  beforeEach(() => jest.useFakeTimers());
  afterEach(async () => {
    await task?.stop();
    task = undefined;
    jest.useRealTimers();
  });

  function startTask(pass: () => Promise<unknown>, logger = recordingLogger()): PeriodicTask {
    task = new PeriodicTask({ name: 'test sweep', intervalMs: INTERVAL_MS, logger, pass });
    task.start();
    return task;
  }

  it('runs a pass on every tick, none before the first', async () => {
    const pass = jest.fn(() => Promise.resolve());
    startTask(pass);
    await jest.advanceTimersByTimeAsync(INTERVAL_MS - 1);
    expect(pass).toHaveBeenCalledTimes(0);
    await jest.advanceTimersByTimeAsync(1 + 2 * INTERVAL_MS);
    expect(pass).toHaveBeenCalledTimes(3);
  });

  it('skips the ticks that come while a pass is still running', async () => {
    const first = pendingPass();
    const pass = jest.fn().mockReturnValueOnce(first.promise).mockResolvedValue(undefined);
    startTask(pass);
    await jest.advanceTimersByTimeAsync(5 * INTERVAL_MS);
    expect(pass).toHaveBeenCalledTimes(1);

    first.finish();
    await jest.advanceTimersByTimeAsync(INTERVAL_MS);
    expect(pass).toHaveBeenCalledTimes(2);
  });

  it('stop waits for the running pass and no pass starts afterwards', async () => {
    const running = pendingPass();
    const pass = jest.fn().mockReturnValueOnce(running.promise).mockResolvedValue(undefined);
    startTask(pass);
    await jest.advanceTimersByTimeAsync(INTERVAL_MS);

    let stopped = false;
    const stopping = task!.stop().then(() => (stopped = true));
    await jest.advanceTimersByTimeAsync(INTERVAL_MS);
    expect(stopped).toBe(false);

    running.finish();
    await stopping;
    expect(stopped).toBe(true);
    await jest.advanceTimersByTimeAsync(5 * INTERVAL_MS);
    expect(pass).toHaveBeenCalledTimes(1);
  });

  it('logs a transient database error as postponed, any other as failed, and keeps ticking', async () => {
    const logger = recordingLogger();
    const connectionLost = Object.assign(new Error('terminating connection'), { code: '57P01' });
    const pass = jest
      .fn()
      .mockRejectedValueOnce(connectionLost)
      .mockRejectedValueOnce(new Error('relation "payments" does not exist'))
      .mockImplementationOnce(() => {
        throw new Error('thrown before any await');
      })
      .mockResolvedValue(undefined);
    startTask(pass, logger);
    await jest.advanceTimersByTimeAsync(4 * INTERVAL_MS);

    expect(pass).toHaveBeenCalledTimes(4);
    expect(logger.lines).toEqual([
      'warn test sweep postponed: terminating connection',
      'error test sweep failed: relation "payments" does not exist',
      'error test sweep failed: thrown before any await',
    ]);
  });
});
