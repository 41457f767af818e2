// @ts-check
/**
 * CPU accounting from /proc: utime + stime of each process read before and after a phase, summed
 * per group (a service, Kafka, Postgres, the load generator), beside the machine's busy time from
 * /proc/stat, so that what other processes did meanwhile shows as "other" rather than hiding.
 */

/** Process groups besides the services (named by their service name). */
const KAFKA = 'kafka';
/** Postgres processes not known to serve a bench database: WAL writer, checkpointer, others' sessions. */
const POSTGRES_OTHER = 'pg rest';
const GENERATOR = 'load generator';

/**
 * The group of the Postgres backends serving one service's database (found in pg_stat_activity).
 * @param {string} service
 */
function postgresGroup(service) {
  return `pg ${service}`;
}

/**
 * @typedef {{ comm: string, cpuTicks: number, startTicks: number }} ProcStat
 * @typedef {{ busyTicks: number, totalTicks: number }} MachineStat
 * @typedef {{ pid: number, group: string, cpuTicks: number, startTicks: number }} ProcessSample
 * @typedef {{ atMs: number, uptimeTicks: number, machine: MachineStat, processes: ProcessSample[] }} CpuSnapshot
 * @typedef {{ wallS: number, capacityS: number, machineBusyS: number, groups: Record<string, number>,
 *   otherS: number }} CpuUsage seconds of CPU, capacityS = wall time x cores
 */

/**
 * One /proc/<pid>/stat line. The command name sits in parentheses and may itself hold spaces
 * and parentheses, so fields are counted from the last ')'.
 * @param {string} text
 * @returns {ProcStat}
 */
function parseProcStat(text) {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) throw new Error(`not a /proc/<pid>/stat line: ${text.slice(0, 80)}`);
  // Fields from 3 (state) on; utime is field 14, stime 15, starttime 22.
  const fields = text
    .slice(close + 2)
    .trim()
    .split(' ');
  const field = (/** @type {number} */ number) => Number(fields[number - 3]);
  const utime = field(14);
  const stime = field(15);
  const start = field(22);
  if (![utime, stime, start].every(Number.isFinite)) throw new Error(`unreadable stat fields: ${text}`);
  return { comm: text.slice(open + 1, close), cpuTicks: utime + stime, startTicks: start };
}

/**
 * The aggregate "cpu" line of /proc/stat: busy = user + nice + system + irq + softirq + steal
 * (guest time is already inside user); total adds idle and iowait.
 * @param {string} text
 * @returns {MachineStat}
 */
function parseMachineStat(text) {
  const line = text.split('\n').find((l) => l.startsWith('cpu '));
  if (line === undefined) throw new Error('no aggregate cpu line in /proc/stat');
  const ticks = line
    .trim()
    .split(/\s+/)
    .slice(1)
    .map((value) => Number(value));
  /** @param {number} index */
  const at = (index) => ticks[index] ?? 0;
  // user nice system idle iowait irq softirq steal
  const busyTicks = at(0) + at(1) + at(2) + at(5) + at(6) + at(7);
  const idle = at(3);
  const iowait = at(4);
  return { busyTicks, totalTicks: busyTicks + idle + iowait };
}

/**
 * The socket inodes listening on a TCP port, from /proc/net/tcp or tcp6 (hex local port, state 0A):
 * the way to tell which of several brokers on the machine is the one on the bench's port.
 * @param {string} text @param {number} port
 * @returns {Set<string>}
 */
function listeningInodes(text, port) {
  const inodes = new Set();
  const portHex = port.toString(16).toUpperCase().padStart(4, '0');
  for (const line of text.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    const local = fields[1];
    if (local === undefined || fields[3] !== '0A') continue;
    if (local.slice(local.lastIndexOf(':') + 1).toUpperCase() === portHex && fields[9] !== undefined) {
      inodes.add(fields[9]);
    }
  }
  return inodes;
}

/**
 * What each group used between two snapshots. A process is the same process only with the same
 * pid and start time; one born in between counts from zero, one that died in between is lost (its
 * time cannot be read any more). A Postgres backend seen serving a bench database in either
 * snapshot counts as the bench's.
 * @param {CpuSnapshot} before
 * @param {CpuSnapshot} after
 * @param {number} ticksPerSecond
 * @returns {CpuUsage}
 */
function cpuUsage(before, after, ticksPerSecond) {
  /** @param {ProcessSample} p */
  const key = (p) => `${p.pid}:${p.startTicks}`;
  const earlier = new Map(before.processes.map((p) => [key(p), p]));
  /** @type {Record<string, number>} */
  const groups = {};
  for (const process of after.processes) {
    const previous = earlier.get(key(process));
    let ticks;
    if (previous !== undefined) ticks = process.cpuTicks - previous.cpuTicks;
    else if (process.startTicks >= before.uptimeTicks) ticks = process.cpuTicks;
    else continue; // Alive before but not sampled then: unknown share, left out.
    const group = previous !== undefined && process.group === POSTGRES_OTHER ? previous.group : process.group;
    groups[group] = (groups[group] ?? 0) + ticks / ticksPerSecond;
  }
  const machineBusyS = (after.machine.busyTicks - before.machine.busyTicks) / ticksPerSecond;
  const attributedS = Object.values(groups).reduce((sum, s) => sum + s, 0);
  return {
    wallS: (after.atMs - before.atMs) / 1000,
    capacityS: (after.machine.totalTicks - before.machine.totalTicks) / ticksPerSecond,
    machineBusyS,
    groups,
    otherS: Math.max(0, machineBusyS - attributedS),
  };
}

/**
 * CPU seconds per 1,000 payments for each group; null when no payment was made.
 * @param {CpuUsage} usage @param {number} payments
 * @returns {Record<string, number> | null}
 */
function perThousandPayments(usage, payments) {
  if (payments <= 0) return null;
  return Object.fromEntries(Object.entries(usage.groups).map(([group, s]) => [group, (s * 1000) / payments]));
}

/**
 * What a phase used beyond the idle baseline: each named group's seconds less what it used at rest
 * over the same wall time (background work, polling), so slow phases with few payments are
 * comparable. Only the bench's own groups: a shared broker or server follows other people's load.
 * Noise can make a small group negative.
 * @param {CpuUsage} usage @param {CpuUsage} baseline @param {readonly string[]} names
 * @returns {CpuUsage}
 */
function aboveBaseline(usage, baseline, names) {
  const scale = baseline.wallS > 0 ? usage.wallS / baseline.wallS : 0;
  const groups = Object.fromEntries(
    names.map((group) => [group, (usage.groups[group] ?? 0) - (baseline.groups[group] ?? 0) * scale]),
  );
  return { ...usage, groups };
}

/**
 * Share of the machine (all cores) the named groups used, in percent.
 * @param {CpuUsage} usage @param {readonly string[]} names
 */
function machineShare(usage, names) {
  if (usage.capacityS <= 0) return 0;
  const seconds = names.reduce((sum, name) => sum + (usage.groups[name] ?? 0), 0);
  return (seconds / usage.capacityS) * 100;
}

module.exports = {
  KAFKA,
  POSTGRES_OTHER,
  postgresGroup,
  GENERATOR,
  parseProcStat,
  parseMachineStat,
  listeningInodes,
  cpuUsage,
  aboveBaseline,
  perThousandPayments,
  machineShare,
};
