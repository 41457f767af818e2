import type { PaymentsConfig } from '../payments-config';
import { ProcessorRegistry } from './processor-registry';
import { SIMULATED_TIMEOUT_AMOUNT_MINOR, SimulatedProcessor } from './simulated-processor';

/**
 * The two simulated processors. simulated-a sits on authorizations of the timeout test amount
 * (SIMULATED_HANG_MS), so the failover to simulated-b and the void of the first attempt can be
 * exercised on demand.
 */
export function createProcessorRegistry(config: PaymentsConfig): ProcessorRegistry {
  const a = new SimulatedProcessor('simulated-a', {
    latencyMs: config.SIMULATED_A_LATENCY_MS,
    failureRate: config.SIMULATED_A_FAILURE_RATE,
    hangAmountsMinor: [SIMULATED_TIMEOUT_AMOUNT_MINOR],
    hangMs: config.SIMULATED_HANG_MS,
  });
  const b = new SimulatedProcessor('simulated-b', {
    latencyMs: config.SIMULATED_B_LATENCY_MS,
    failureRate: config.SIMULATED_B_FAILURE_RATE,
  });
  return new ProcessorRegistry([a, b]);
}
