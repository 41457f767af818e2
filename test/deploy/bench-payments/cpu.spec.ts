import * as fs from 'node:fs';
import {
  POSTGRES_OTHER,
  aboveBaseline,
  cpuUsage,
  listeningInodes,
  machineShare,
  parseMachineStat,
  parseProcStat,
  perThousandPayments,
  postgresGroup,
  type CpuSnapshot,
} from '../../../bench/payments/cpu';

const PG_GATEWAY = postgresGroup('gateway');

/** A /proc/<pid>/stat line with the given command, utime, stime and start time. */
function statLine(comm: string, utime: number, stime: number, start: number): string {
  const fields = Array.from({ length: 50 }, () => '0');
  fields[0] = 'S';
  fields[11] = String(utime);
  fields[12] = String(stime);
  fields[19] = String(start);
  return `4242 (${comm}) ${fields.join(' ')}\n`;
}

describe('/proc parsing', () => {
  it('reads utime + stime and the start time, whatever the command name holds', () => {
    expect(parseProcStat(statLine('node', 150, 30, 9_000))).toEqual({
      comm: 'node',
      cpuTicks: 180,
      startTicks: 9_000,
    });
    expect(parseProcStat(statLine('a) (b c', 1, 2, 3))).toEqual({
      comm: 'a) (b c',
      cpuTicks: 3,
      startTicks: 3,
    });
    expect(() => parseProcStat('garbage')).toThrow(/not a \/proc/);
  });

  it('reads this very process', () => {
    const own = parseProcStat(fs.readFileSync('/proc/self/stat', 'utf8'));
    expect(own.cpuTicks).toBeGreaterThanOrEqual(0);
    expect(own.startTicks).toBeGreaterThan(0);
  });

  it('takes busy and total time from the aggregate cpu line of /proc/stat', () => {
    const text = 'cpu  100 5 50 1000 20 3 2 1 0 0\ncpu0 50 2 25 500 10 1 1 0 0 0\nintr 1\n';
    expect(parseMachineStat(text)).toEqual({ busyTicks: 161, totalTicks: 1181 });
    expect(parseMachineStat(fs.readFileSync('/proc/stat', 'utf8')).totalTicks).toBeGreaterThan(0);
  });
});

describe('listening sockets', () => {
  it('finds the inode listening on a port, not the connections to it nor other ports', () => {
    const tcp6 = [
      '  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '   4: 0000000000000000FFFF00000100007F:2384 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 53450 1 0 100 0 0 10 0',
      '  22: 0000000000000000FFFF00000100007F:2384 0000000000000000FFFF00000100007F:8148 01 00000000:00000000 02:000AF1C4 00000000     0        0 230054 2 0 20 4 31 11 -1',
      '  23: 0000000000000000FFFF00000100007F:2385 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 53451 1 0 100 0 0 10 0',
    ].join('\n');
    expect([...listeningInodes(tcp6, 9092)]).toEqual(['53450']);
    expect(listeningInodes(tcp6, 3300).size).toBe(0);
  });
});

describe('CPU used between two snapshots', () => {
  const before: CpuSnapshot = {
    atMs: 0,
    uptimeTicks: 10_000,
    machine: { busyTicks: 1_000, totalTicks: 10_000 },
    processes: [
      { pid: 10, group: 'gateway', cpuTicks: 500, startTicks: 100 },
      { pid: 20, group: PG_GATEWAY, cpuTicks: 40, startTicks: 200 },
      { pid: 30, group: 'kafka', cpuTicks: 900, startTicks: 50 },
      { pid: 40, group: 'risk', cpuTicks: 70, startTicks: 300 },
    ],
  };
  const after: CpuSnapshot = {
    atMs: 10_000,
    uptimeTicks: 11_000,
    // Two cores for 10 s: 2,000 ticks at 100 per second.
    machine: { busyTicks: 1_600, totalTicks: 12_000 },
    processes: [
      { pid: 10, group: 'gateway', cpuTicks: 700, startTicks: 100 },
      // The backend went idle between queries: still the bench's.
      { pid: 20, group: POSTGRES_OTHER, cpuTicks: 60, startTicks: 200 },
      { pid: 30, group: 'kafka', cpuTicks: 950, startTicks: 50 },
      // Born during the phase: counts from zero.
      { pid: 50, group: PG_GATEWAY, cpuTicks: 30, startTicks: 10_500 },
      // Alive before, never seen then: unknown share, left out.
      { pid: 60, group: POSTGRES_OTHER, cpuTicks: 5_000, startTicks: 400 },
      // Pid 40 reused by a new process: not the old one's continuation.
      { pid: 40, group: 'risk', cpuTicks: 10, startTicks: 10_800 },
    ],
  };

  it('sums each group and shows what no listed process explains as other', () => {
    const usage = cpuUsage(before, after, 100);
    expect(usage.wallS).toBe(10);
    expect(usage.capacityS).toBe(20);
    expect(usage.machineBusyS).toBe(6);
    expect(usage.groups).toEqual({ gateway: 2, [PG_GATEWAY]: 0.5, kafka: 0.5, risk: 0.1 });
    expect(usage.otherS).toBeCloseTo(6 - 3.1, 9);
  });

  it('gives seconds per 1,000 payments and shares of the machine', () => {
    const usage = cpuUsage(before, after, 100);
    expect(perThousandPayments(usage, 500)).toEqual({ gateway: 4, [PG_GATEWAY]: 1, kafka: 1, risk: 0.2 });
    expect(perThousandPayments(usage, 0)).toBeNull();
    expect(machineShare(usage, ['gateway', 'kafka'])).toBeCloseTo(12.5, 9);
  });

  it('takes the idle baseline, scaled to the phase, off each named group', () => {
    const usage = cpuUsage(before, after, 100);
    const idle = { ...usage, wallS: 5, groups: { gateway: 0.25, kafka: 0.5 } };
    const above = aboveBaseline(usage, idle, ['gateway', PG_GATEWAY, 'risk', 'payments']);
    // Kafka is not named (shared): left out; payments used nothing.
    expect(above.groups).toEqual({ gateway: 1.5, [PG_GATEWAY]: 0.5, risk: 0.1, payments: 0 });
    expect(above.wallS).toBe(10);
  });
});
