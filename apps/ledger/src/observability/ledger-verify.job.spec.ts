import type { JournalQueries, VerifyReport } from '../journal/journal-queries.repository';
import type { LedgerConfig } from '../ledger-config';
import { LedgerVerifyJob } from './ledger-verify.job';

const INTACT: VerifyReport = {
  ok: true,
  head: { sequence: 0n, hash: '0'.repeat(64) },
  checkedThrough: 0n,
  firstBroken: null,
  balanceMismatches: [],
};

function jobEvery(minutes: number): { job: LedgerVerifyJob; verifications: () => number } {
  let verifications = 0;
  const journalQueries = {
    verify: () => {
      verifications += 1;
      return Promise.resolve(INTACT);
    },
  } as unknown as JournalQueries;
  const config = { LEDGER_VERIFY_INTERVAL_MINUTES: minutes } as LedgerConfig;
  return { job: new LedgerVerifyJob(journalQueries, config), verifications: () => verifications };
}

describe('ledger verify job', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('verifies the chain every LEDGER_VERIFY_INTERVAL_MINUTES once booted', async () => {
    const { job, verifications } = jobEvery(2);
    job.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(60_000);
    expect(verifications()).toBe(0);
    await jest.advanceTimersByTimeAsync(60_000);
    expect(verifications()).toBe(1);
    await job.beforeApplicationShutdown();
  });

  it('never verifies when the interval is 0', async () => {
    const { job, verifications } = jobEvery(0);
    job.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(7 * 24 * 60 * 60_000);
    expect(verifications()).toBe(0);
    await job.beforeApplicationShutdown();
  });
});
