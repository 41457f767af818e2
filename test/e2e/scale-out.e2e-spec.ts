/**
 * Scale-out: two instances of every service on the same databases, consumer groups and broker, as a
 * platform team runs them. Careful merchants' requests alternate between the two gateways while the
 * first instance of each service is SIGKILLed in turn (its partitions move to the second); the chaos
 * checks then prove the one stream was processed without loss or duplicates.
 */
import { runChaos, SHORT_SCENARIO } from '../../deploy/local/chaos/run';

const INSTANCE = process.env.E2E_INSTANCE ?? '';
/** Past the chaos e2e platform (E2E_PORT_BASE+10 … +19) and below the second gateway's (+50). */
const PORT_BASE = Number(process.env.E2E_PORT_BASE ?? 3100) + 20;
/** A broker of its own, beside the chaos e2e broker (19094/19095). */
const BROKER_PORT = Number(process.env.CHAOS_E2E_KAFKA_PORT ?? 19094) + 2;
/** Start-up of ten services, about a minute and a half of load with a SIGKILL every 16 s, checks. */
const SCENARIO_LIMIT_MS = 600_000;

it(
  'processes one stream with two instances of every service, without loss or duplicates, while the first ones die',
  async () => {
    const lines: string[] = [];
    const result = await runChaos({
      ...SHORT_SCENARIO,
      payments: 160,
      faults: ['kill'],
      instances: 2,
      instance: `chaosscale${INSTANCE}`,
      portBase: PORT_BASE,
      brokerPort: BROKER_PORT,
      brokerControllerPort: BROKER_PORT + 1,
      seed: 2,
      keep: false,
      log: (line) => lines.push(line),
    });
    process.stdout.write(`${lines.join('\n')}\n${result.report}\n`);
    expect(lines.some((line) => line.startsWith('second instance of every service'))).toBe(true);
    expect(result.faultRecords).toHaveLength(5);
    const failed = result.checks
      .filter((check) => check.status === 'fail')
      .map((check) => [`${check.name}: ${check.summary}`, ...check.details].join('\n  '));
    expect(failed).toEqual([]);
  },
  SCENARIO_LIMIT_MS,
);
