// @ts-check
/**
 * The chaos run's plan, made from a seed alone so a run can be repeated: which payments the merchants
 * send (card, amount, capture and refunds) and when, and which faults are injected when. Pure: no I/O.
 */

/** @typedef {'gateway' | 'payments' | 'risk' | 'ledger' | 'reporting'} ServiceName */
/** @type {readonly ServiceName[]} */
const SERVICES = ['gateway', 'payments', 'risk', 'ledger', 'reporting'];

const CARDS = Object.freeze({
  success: '4242424242424242',
  decline: '4000000000000002',
  threeDSecure: '4000000000003220',
});
const CURRENCIES = ['usd', 'eur'];
const AMOUNT_MINOR_MIN = 100;
const AMOUNT_MINOR_MAX = 50_000;
/** simulated-a answers 4.08 too late on purpose (README): a slow path, not a fault of ours. */
const SLOW_PROCESSOR_AMOUNT_MINOR = 408;

/** A small, fast, seedable generator (mulberry32): the same seed gives the same plan on any machine. */
class SeededRandom {
  /** @param {number} seed */
  constructor(seed) {
    this.state = seed >>> 0;
  }

  /** @returns {number} in [0, 1) */
  next() {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** @param {number} min @param {number} max @returns {number} an integer in [min, max] */
  int(min, max) {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** @param {number} probability */
  chance(probability) {
    return this.next() < probability;
  }

  /** @template T @param {readonly T[]} items @returns {T} */
  pick(items) {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }

  /** @template T @param {readonly T[]} items @returns {T[]} a shuffled copy */
  shuffle(items) {
    const copy = [...items];
    for (let i = copy.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [copy[i], copy[j]] = [/** @type {T} */ (copy[j]), /** @type {T} */ (copy[i])];
    }
    return copy;
  }
}

/**
 * @typedef {{
 *   index: number, merchant: number, currency: string, amountMinor: number,
 *   card: keyof typeof CARDS, captureMethod: 'automatic' | 'manual',
 *   captureAmountMinor: number | null, captureDelayMs: number,
 *   refundAmountsMinor: Array<number | 'rest'>, refundDelayMs: number, startAtMs: number
 * }} PaymentPlan
 * captureAmountMinor: null captures the whole authorization; 'rest' refunds what is left.
 */

/**
 * @param {{ payments: number, merchants: number, seed: number, loadStartMs: number, loadEndMs: number }} options
 * @returns {PaymentPlan[]} in start order
 */
function planPayments(options) {
  const random = new SeededRandom(options.seed);
  const spanMs = Math.max(0, options.loadEndMs - options.loadStartMs);
  /** @type {PaymentPlan[]} */
  const plans = [];
  for (let index = 0; index < options.payments; index++) {
    let amountMinor = random.int(AMOUNT_MINOR_MIN, AMOUNT_MINOR_MAX);
    if (amountMinor === SLOW_PROCESSOR_AMOUNT_MINOR) amountMinor += 1;
    const roll = random.next();
    /** @type {keyof typeof CARDS} */
    const card = roll < 0.1 ? 'decline' : roll < 0.2 ? 'threeDSecure' : 'success';
    // 3-D Secure payments are captured when the challenge is approved; only plain cards wait for a capture.
    const captureMethod = card === 'success' && random.chance(0.3) ? 'manual' : 'automatic';
    const captureAmountMinor =
      captureMethod === 'manual' && random.chance(0.4) ? random.int(1, amountMinor - 1) : null;
    const captured = captureAmountMinor ?? amountMinor;
    /** @type {Array<number | 'rest'>} */
    let refundAmountsMinor = [];
    if (card !== 'decline' && random.chance(0.3)) {
      const kind = random.next();
      if (kind < 0.4) refundAmountsMinor = ['rest'];
      else if (kind < 0.8 || captured < 3) refundAmountsMinor = [random.int(1, Math.max(1, captured - 1))];
      else {
        const first = random.int(1, Math.floor(captured / 2));
        refundAmountsMinor = [first, 'rest'];
      }
    }
    plans.push({
      index,
      merchant: random.int(0, options.merchants - 1),
      currency: random.pick(CURRENCIES),
      amountMinor,
      card,
      captureMethod,
      captureAmountMinor,
      captureDelayMs: random.int(200, 5_000),
      refundAmountsMinor,
      refundDelayMs: random.int(200, 5_000),
      startAtMs:
        options.payments <= 1
          ? options.loadStartMs
          : options.loadStartMs + Math.round((spanMs * index) / (options.payments - 1)),
    });
  }
  return plans;
}

/**
 * @typedef {{ kind: 'kill', target: ServiceName }
 *   | { kind: 'broker', downMs: number }
 *   | { kind: 'db', target: ServiceName, durationMs: number }
 *   | { kind: 'stall', target: ServiceName, durationMs: number }} Fault
 * @typedef {{ atMs: number, fault: Fault, phase: 'sequential' | 'overlapping', group: number }} ScheduledFault
 * @typedef {'kill' | 'broker' | 'db' | 'stall'} FaultKind
 */

/** How long each kind of fault keeps the schedule to itself in the sequential phase (injection and recovery). */
const SLOT_MS = Object.freeze({ kill: 40_000, broker: 75_000, db: 35_000, stall: 60_000 });
const OVERLAP_SLOT_MS = 75_000;
const OVERLAP_SPREAD_MS = 5_000;

/**
 * One fault of each kind and target after another, then groups of two or three at once.
 * @param {{ seed: number, kinds: readonly FaultKind[], startMs: number, overlapGroups: number,
 *   slotScale?: number, databaseOutageMs: number, stallMs: number, brokerDownMs: number }} options
 *   slotScale below 1 packs the faults closer (the short scenario)
 * @returns {{ faults: ScheduledFault[], endMs: number }}
 */
function planFaults(options) {
  const random = new SeededRandom(options.seed ^ 0x5eed);
  const scale = options.slotScale ?? 1;
  /** @param {FaultKind} kind @returns {Fault[]} */
  const faultsOf = (kind) => {
    switch (kind) {
      case 'kill':
        return random.shuffle(SERVICES).map((target) => ({ kind, target }));
      case 'broker':
        return [{ kind, downMs: options.brokerDownMs }];
      case 'db':
        return random
          .shuffle(SERVICES)
          .map((target) => ({ kind, target, durationMs: options.databaseOutageMs }));
      case 'stall':
        return [{ kind, target: random.pick(SERVICES), durationMs: options.stallMs }];
    }
  };
  /** @type {ScheduledFault[]} */
  const faults = [];
  let atMs = options.startMs;
  let group = 0;
  for (const kind of options.kinds) {
    for (const fault of faultsOf(kind)) {
      faults.push({ atMs, fault, phase: 'sequential', group: group++ });
      atMs += Math.round(SLOT_MS[kind] * scale);
    }
  }
  const pool = options.kinds.flatMap((kind) => faultsOf(kind));
  for (let i = 0; i < options.overlapGroups && pool.length > 1; i++) {
    const size = random.chance(0.3) ? 3 : 2;
    const chosen = random.shuffle(pool).slice(0, size);
    for (const fault of chosen) {
      faults.push({ atMs: atMs + random.int(0, OVERLAP_SPREAD_MS), fault, phase: 'overlapping', group });
    }
    group += 1;
    atMs += Math.round(OVERLAP_SLOT_MS * scale);
  }
  faults.sort((a, b) => a.atMs - b.atMs);
  return { faults, endMs: atMs };
}

/** @param {Fault} fault */
function describeFault(fault) {
  switch (fault.kind) {
    case 'kill':
      return `SIGKILL ${fault.target}`;
    case 'broker':
      return `SIGKILL broker (down ${fault.downMs / 1000} s)`;
    case 'db':
      return `${fault.target} database closed ${fault.durationMs / 1000} s`;
    case 'stall':
      return `SIGSTOP ${fault.target} ${fault.durationMs / 1000} s`;
  }
}

/**
 * @param {string} text comma-separated fault kinds, or 'all' / 'none'
 * @returns {FaultKind[]}
 */
function parseFaultKinds(text) {
  /** @type {FaultKind[]} */
  const all = ['kill', 'broker', 'db', 'stall'];
  if (text === 'all') return all;
  if (text === 'none' || text === '') return [];
  const kinds = text.split(',').map((kind) => kind.trim());
  const unknown = kinds.filter((kind) => !all.includes(/** @type {FaultKind} */ (kind)));
  if (unknown.length > 0)
    throw new Error(`unknown fault kind(s): ${unknown.join(', ')} (use ${all.join(',')})`);
  return /** @type {FaultKind[]} */ (kinds);
}

module.exports = { SERVICES, CARDS, SeededRandom, planPayments, planFaults, describeFault, parseFaultKinds };
