import { lookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import {
  literalAddressOf,
  resolvedAddressesProblem,
  webhookTargetKey,
  webhookUrlProblem,
} from '../domain/webhook-targets';

/** A delivery refused before any connection: the target is (now) not allowed. */
export class WebhookTargetRefused extends Error {
  override readonly name = 'WebhookTargetRefused';
}

/** Every address a name resolves to, as the connection's own lookup would find them. */
export type ResolveAll = (hostname: string) => Promise<LookupAddress[]>;

export const resolveAll: ResolveAll = (hostname) =>
  new Promise((resolve, reject) => {
    lookup(hostname, { all: true, verbatim: true }, (error, addresses) =>
      error === null ? resolve(addresses) : reject(error),
    );
  });

/** Where deliveries may go: the allow-listed host:port pairs, and the resolver (replaced in tests). */
export interface WebhookTargetPolicy {
  readonly allowedTargets: ReadonlySet<string>;
  readonly resolve?: ResolveAll;
}

/**
 * What is wrong with a webhook URL, asking DNS for a name: null when deliveries may go there now.
 * An endpoint passes this when created; each delivery is checked again where it connects.
 */
export async function webhookTargetProblem(
  text: string,
  policy: WebhookTargetPolicy,
): Promise<string | null> {
  const problem = webhookUrlProblem(text, policy.allowedTargets);
  if (problem !== null) return problem;
  const url = new URL(text);
  if (literalAddressOf(url) !== null || policy.allowedTargets.has(webhookTargetKey(url))) return null;
  let addresses: LookupAddress[];
  try {
    addresses = await (policy.resolve ?? resolveAll)(url.hostname);
  } catch {
    return `${url.hostname} does not resolve`;
  }
  return resolvedAddressesProblem(
    url.hostname,
    addresses.map((entry) => entry.address),
  );
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * The DNS lookup the connection itself uses, refusing internal addresses: the address checked is
 * the address connected to, so a name that changes between a check and the connection (DNS
 * rebinding) gains nothing. Exported for tests.
 */
export function guardedLookup(resolve: ResolveAll = resolveAll) {
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    resolve(hostname).then(
      (found) => {
        const addresses = found.filter(
          (entry) => options.family === undefined || options.family === 0 || entry.family === options.family,
        );
        const problem = resolvedAddressesProblem(
          hostname,
          addresses.map((entry) => entry.address),
        );
        if (problem !== null) {
          callback(new WebhookTargetRefused(problem), '');
          return;
        }
        const [first] = addresses;
        if (options.all === true || first === undefined) callback(null, addresses);
        else callback(null, first.address, first.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, ''),
    );
  };
}

/**
 * POSTs one webhook and answers the response status; throws WebhookTargetRefused (before any
 * connection) when the target is not allowed, or the network error. Redirects are not followed.
 * An address literal is checked here, before connecting (Node connects to it without a lookup);
 * a name is checked inside the connection's own lookup.
 */
export function postWebhook(
  text: string,
  headers: Record<string, string>,
  body: string,
  options: WebhookTargetPolicy & { readonly timeoutMs: number },
): Promise<number> {
  const problem = webhookUrlProblem(text, options.allowedTargets);
  if (problem !== null) return Promise.reject(new WebhookTargetRefused(`the URL ${problem}`));
  const url = new URL(text);
  // An allow-listed host:port connects wherever it resolves; any other name only to public addresses.
  const allowListed = options.allowedTargets.has(webhookTargetKey(url));
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<number>((resolve, reject) => {
    const outgoing = send(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        ...(allowListed ? {} : { lookup: guardedLookup(options.resolve) }),
        signal: AbortSignal.timeout(options.timeoutMs),
      },
      (response: IncomingMessage) => {
        // Only the status matters; the body is drained and dropped.
        response.resume();
        response.on('error', () => undefined);
        resolve(response.statusCode ?? 0);
      },
    );
    outgoing.on('error', (error: Error) => {
      const refused = error instanceof WebhookTargetRefused ? error : findRefusal(error);
      reject(refused ?? error);
    });
    outgoing.end(body);
  });
}

/** The lookup's refusal may come wrapped (happy-eyeballs connects report an AggregateError). */
function findRefusal(error: Error): WebhookTargetRefused | null {
  if (error instanceof AggregateError) {
    const inner = error.errors.find(
      (item): item is WebhookTargetRefused => item instanceof WebhookTargetRefused,
    );
    if (inner !== undefined) return inner;
  }
  return error.cause instanceof WebhookTargetRefused ? error.cause : null;
}
