/**
 * The short chaos scenario on a platform of its own (own ports, databases, topic namespace and broker), so
 * the SIGKILLs never reach the platform the other e2e files share: a few hundred payments from careful
 * merchants while each service and then the broker is SIGKILLed and comes back by itself.
 */
import { runChaos, SHORT_SCENARIO } from '../../deploy/local/chaos/run';

const INSTANCE = process.env.E2E_INSTANCE ?? '';
/** Next to the shared e2e platform's ports (E2E_PORT_BASE … +4) and the second gateway's (+50). */
const PORT_BASE = Number(process.env.E2E_PORT_BASE ?? 3100) + 10;
/** Not 19092, where `npm run chaos` runs its broker: both may run on one machine. */
const BROKER_PORT = Number(process.env.CHAOS_E2E_KAFKA_PORT ?? 19094);
/** Start-up, about two minutes of load with one fault every 16 s, quiescence, checks. */
const SCENARIO_LIMIT_MS = 600_000;

it(
  'loses, doubles and strands no payment while each service and the broker are SIGKILLed under load',
  async () => {
    const lines: string[] = [];
    const result = await runChaos({
      ...SHORT_SCENARIO,
      faults: [...SHORT_SCENARIO.faults],
      instance: `chaose2e${INSTANCE}`,
      portBase: PORT_BASE,
      brokerPort: BROKER_PORT,
      brokerControllerPort: BROKER_PORT + 1,
      seed: 1,
      keep: false,
      log: (line) => lines.push(line),
    });
    process.stdout.write(`${lines.join('\n')}\n${result.report}\n`);
    expect(result.faultRecords).toHaveLength(6);
    const failed = result.checks
      .filter((check) => check.status === 'fail')
      .map((check) => [`${check.name}: ${check.summary}`, ...check.details].join('\n  '));
    expect(failed).toEqual([]);
  },
  SCENARIO_LIMIT_MS,
);
