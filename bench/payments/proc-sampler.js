// @ts-check
/** Reads the CPU snapshots cpu.js compares: the platform's processes, Kafka, Postgres, this process. */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const {
  GENERATOR,
  KAFKA,
  POSTGRES_OTHER,
  listeningInodes,
  parseMachineStat,
  parseProcStat,
} = require('./cpu');

function ticksPerSecond() {
  const result = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  const ticks = Number(result.stdout?.trim());
  return Number.isInteger(ticks) && ticks > 0 ? ticks : 100;
}

/** @param {string} file */
function readOrNull(file) {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null; // The process ended meanwhile.
  }
}

class ProcSampler {
  /**
   * @param {{ pgClient: import('pg').Client, databasePrefix: string, groupOfDatabase: (name: string) => string,
   *   brokerPort: number }} options the client asks pg_stat_activity which backends serve the bench's
   *   databases (named with databasePrefix; groupOfDatabase names their group); the broker counted is
   *   the Kafka process listening on brokerPort
   */
  constructor(options) {
    this.pgClient = options.pgClient;
    this.databasePrefix = options.databasePrefix;
    this.groupOfDatabase = options.groupOfDatabase;
    this.brokerPort = options.brokerPort;
    this.ticksPerSecond = ticksPerSecond();
    /** @type {Map<number, string>} the services' groups by pid, set as they start and stop */
    this.named = new Map();
    /** Kafka processes found in the last snapshot (another checkout may run a broker of its own). */
    this.kafkaPids = /** @type {number[]} */ ([]);
    /** @type {number | null} the broker on brokerPort, once found */
    this.brokerPid = null;
  }

  /** @param {string} group @param {number | null} pid */
  name(group, pid) {
    for (const [known, name] of this.named) if (name === group) this.named.delete(known);
    if (pid !== null) this.named.set(pid, group);
  }

  /**
   * Which of the Kafka processes holds the listening socket of the bench's broker port.
   * @param {readonly number[]} candidates
   * @returns {number | null}
   */
  findBroker(candidates) {
    const inodes = new Set([
      ...listeningInodes(readOrNull('/proc/net/tcp') ?? '', this.brokerPort),
      ...listeningInodes(readOrNull('/proc/net/tcp6') ?? '', this.brokerPort),
    ]);
    for (const pid of candidates) {
      let fds;
      try {
        fds = fs.readdirSync(`/proc/${pid}/fd`);
      } catch {
        continue;
      }
      for (const fd of fds) {
        try {
          const target = fs.readlinkSync(`/proc/${pid}/fd/${fd}`);
          if (target.startsWith('socket:[') && inodes.has(target.slice(8, -1))) return pid;
        } catch {
          // The descriptor closed meanwhile.
        }
      }
    }
    return null;
  }

  async benchBackends() {
    const { rows } = await this.pgClient.query(
      "SELECT pid, datname FROM pg_stat_activity WHERE datname LIKE $1 || '%'",
      [this.databasePrefix],
    );
    return new Map(rows.map((row) => [Number(row.pid), this.groupOfDatabase(String(row.datname))]));
  }

  /** @returns {Promise<import('./cpu').CpuSnapshot>} */
  async snapshot() {
    const bench = await this.benchBackends();
    const named = new Map(this.named).set(process.pid, GENERATOR);
    /** @type {import('./cpu').ProcessSample[]} */
    const processes = [];
    const kafkaPids = [];
    for (const entry of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const pid = Number(entry);
      const text = readOrNull(`/proc/${pid}/stat`);
      if (text === null) continue;
      const stat = parseProcStat(text);
      let group = named.get(pid);
      if (group === undefined && stat.comm === 'postgres') group = bench.get(pid) ?? POSTGRES_OTHER;
      if (group === undefined && stat.comm === 'java') {
        if (readOrNull(`/proc/${pid}/cmdline`)?.includes('kafka.Kafka')) kafkaPids.push(pid);
        continue;
      }
      if (group !== undefined) {
        processes.push({ pid, group, cpuTicks: stat.cpuTicks, startTicks: stat.startTicks });
      }
    }
    this.kafkaPids = kafkaPids;
    if (this.brokerPid === null || !kafkaPids.includes(this.brokerPid))
      this.brokerPid = this.findBroker(kafkaPids);
    const brokerStat = this.brokerPid === null ? null : readOrNull(`/proc/${this.brokerPid}/stat`);
    if (this.brokerPid !== null && brokerStat !== null) {
      const stat = parseProcStat(brokerStat);
      processes.push({
        pid: this.brokerPid,
        group: KAFKA,
        cpuTicks: stat.cpuTicks,
        startTicks: stat.startTicks,
      });
    }
    const uptimeS = Number((readOrNull('/proc/uptime') ?? '0').split(' ')[0]);
    const machine = parseMachineStat(readOrNull('/proc/stat') ?? '');
    return { atMs: Date.now(), uptimeTicks: uptimeS * this.ticksPerSecond, machine, processes };
  }
}

module.exports = { ProcSampler };
