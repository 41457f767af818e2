import { lookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { literalAddressOf, resolvedAddressesProblem, webhookUrlProblem } from '../domain/webhook-targets';

/** A delivery refused before any connection: the target is (now) not allowed. */
export class WebhookTargetRefused extends Error {
  override readonly name = 'WebhookTargetRefused';
}

function resolveAll(hostname: string): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) => {
    lookup(hostname, { all: true, verbatim: true }, (error, addresses) =>
      error === null ? resolve(addresses) : reject(error),
    );
  });
}

/**
 * What is wrong with a webhook URL, asking DNS for a name: null when deliveries may go there now.
 * An endpoint passes this when created; each delivery is checked again where it connects.
 */
export async function webhookTargetProblem(
  text: string,
  allowPrivateTargets: boolean,
): Promise<string | null> {
  const problem = webhookUrlProblem(text, allowPrivateTargets);
  if (problem !== null) return problem;
  const url = new URL(text);
  if (literalAddressOf(url) !== null) return null;
  let addresses: LookupAddress[];
  try {
    addresses = await resolveAll(url.hostname);
  } catch {
    return `${url.hostname} does not resolve`;
  }
  return resolvedAddressesProblem(
    url.hostname,
    addresses.map((entry) => entry.address),
    allowPrivateTargets,
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
export function guardedLookup(allowPrivateTargets: boolean) {
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    lookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error !== null) {
        callback(error, '');
        return;
      }
      const problem = resolvedAddressesProblem(
        hostname,
        addresses.map((entry) => entry.address),
        allowPrivateTargets,
      );
      if (problem !== null) {
        callback(new WebhookTargetRefused(problem), '');
        return;
      }
      const [first] = addresses;
      if (options.all === true || first === undefined) callback(null, addresses);
      else callback(null, first.address, first.family);
    });
  };
}

/**
 * POSTs one webhook and answers the response status; throws WebhookTargetRefused (before any
 * connection) when the target is not allowed, or the network error. Redirects are not followed.
 */
export function postWebhook(
  text: string,
  headers: Record<string, string>,
  body: string,
  options: { readonly timeoutMs: number; readonly allowPrivateTargets: boolean },
): Promise<number> {
  const problem = webhookUrlProblem(text, options.allowPrivateTargets);
  if (problem !== null) return Promise.reject(new WebhookTargetRefused(`the URL ${problem}`));
  const url = new URL(text);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<number>((resolve, reject) => {
    const outgoing = send(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        lookup: guardedLookup(options.allowPrivateTargets),
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
