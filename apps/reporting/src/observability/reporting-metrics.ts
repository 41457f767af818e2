import { Gauge } from 'prom-client';
import { metricsRegistry } from '@platform/telemetry';

export const reconciliationDifferences = new Gauge({
  name: 'reporting_reconciliation_differences',
  help: 'Differences the last reconciliation of the active generation found between the projections and the balances folded from the ledger postings (0 when they agree).',
  registers: [metricsRegistry],
});

export const reconciliationLastRunSeconds = new Gauge({
  name: 'reporting_reconciliation_last_run_timestamp_seconds',
  help: 'Unix time at which the last reconciliation finished.',
  registers: [metricsRegistry],
});

export const projectionSequence = new Gauge({
  name: 'reporting_projection_contiguous_sequence',
  help: 'Ledger sequence through which the active generation has applied every entry (sampled with the reconciliation).',
  registers: [metricsRegistry],
});
