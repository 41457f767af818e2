import { Counter, Gauge } from 'prom-client';
import { metricsRegistry } from '@platform/telemetry';

/*
 * These follow the journal, not one instance's writes: every ledger instance reads the same head,
 * so dashboards and rules take max() over instances (a sum would count each entry per instance).
 */

export const ledgerEntriesPostedTotal = new Counter({
  name: 'ledger_entries_posted_total',
  help: 'Journal entries committed since this instance started watching the head, by kind (counted from the journal, so only committed entries count).',
  labelNames: ['kind'] as const,
  registers: [metricsRegistry],
});

export const ledgerHeadSequence = new Gauge({
  name: 'ledger_head_sequence',
  help: 'Sequence of the last journal entry (the head of the hash chain).',
  registers: [metricsRegistry],
});

export const ledgerVerifyOk = new Gauge({
  name: 'ledger_verify_ok',
  help: 'Result of the last hash-chain and balance verification: 1 intact, 0 broken (absent until one ran).',
  registers: [metricsRegistry],
});

export const ledgerVerifyLastRunSeconds = new Gauge({
  name: 'ledger_verify_last_run_timestamp_seconds',
  help: 'Unix time at which the last verification finished.',
  registers: [metricsRegistry],
});

export const ledgerVerifyCheckedSequence = new Gauge({
  name: 'ledger_verify_checked_sequence',
  help: 'Sequence through which the last verification found the chain intact.',
  registers: [metricsRegistry],
});

export function recordVerifyResult(report: { ok: boolean; checkedThrough: bigint }, at = new Date()): void {
  ledgerVerifyOk.set(report.ok ? 1 : 0);
  ledgerVerifyCheckedSequence.set(Number(report.checkedThrough));
  ledgerVerifyLastRunSeconds.set(at.getTime() / 1000);
}
