/**
 * SQLSTATE classes of a database that is unavailable rather than a query that is wrong:
 * 08 connection exception, 53 insufficient resources (too many clients, disk full), 57 operator
 * intervention (admin shutdown, crash shutdown, cannot connect now), 58 system error (I/O).
 */
const TRANSIENT_SQLSTATE_CLASSES = new Set(['08', '53', '57', '58']);
/** Retry the transaction: serialization failure, deadlock, lock not available. */
const TRANSIENT_SQLSTATES = new Set(['40001', '40P01', '55P03']);
const TRANSIENT_NODE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);
/**
 * Messages of pg, pg-pool and TypeORM when the connection, not the query, failed; 55000 is also
 * "object not in prerequisite state", so only its connection message counts.
 */
const TRANSIENT_MESSAGES =
  /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|not currently accepting connections|Cannot use a pool after calling end|the database system is (starting up|shutting down|in recovery mode)|server closed the connection unexpectedly|Connection is not established|terminating connection/i;

/** How deep to follow `cause` and TypeORM's `driverError` chains. */
const CAUSE_DEPTH_MAX = 5;

/**
 * True for failures of the database itself (down, restarting, refusing connections, out of
 * connections, a lost connection) and for conflicts a retry resolves (serialization, deadlock):
 * such errors are waited out, never treated as a bad event or request.
 */
export function isTransientDatabaseError(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < CAUSE_DEPTH_MAX && current !== null && current !== undefined; depth += 1) {
    if (isTransientItself(current)) return true;
    const holder = current as { driverError?: unknown; cause?: unknown };
    current = holder.driverError ?? holder.cause;
  }
  return false;
}

function isTransientItself(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (TRANSIENT_NODE_CODES.has(code) || TRANSIENT_SQLSTATES.has(code)) return true;
    if (/^[0-9A-Z]{5}$/.test(code) && TRANSIENT_SQLSTATE_CLASSES.has(code.slice(0, 2))) return true;
  }
  const message = (error as { message?: unknown }).message;
  return typeof message === 'string' && TRANSIENT_MESSAGES.test(message);
}
