/**
 * Generators of hostile HTTP requests for the documented routes of a service (fast-check): JSON
 * bodies shaped like the documented schema but with hostile values mixed in, raw bodies that are
 * not JSON at all, hostile headers, query strings and path parameters. Pure: no I/O here.
 */
import fc from 'fast-check';

export interface OpenApiSchema {
  readonly type?: string;
  readonly properties?: Record<string, OpenApiSchema>;
  readonly items?: OpenApiSchema;
  readonly enum?: readonly unknown[];
  readonly minimum?: number;
  readonly maximum?: number;
}

export interface DocumentedRoute {
  readonly method: string;
  /** The OpenAPI path template, `/v1/payments/{id}`. */
  readonly path: string;
  readonly body: OpenApiSchema | undefined;
  /** The document names a security scheme (the gateway's merchant routes); admin routes name none. */
  readonly secured: boolean;
}

export interface HostileRequest {
  readonly method: string;
  /** Path and query, percent-encoded as sent. */
  readonly target: string;
  readonly headers: Record<string, string | string[]>;
  readonly body: Buffer | undefined;
  /** What was generated, readable in a failure report. */
  readonly description: string;
}

/** Valid credentials for the service, and whether this route may be sent any of them. */
export interface Credentials {
  readonly valid: readonly string[];
  readonly allowValid: boolean;
}

const NESTING_HOSTILE = 2_500;
const WIDE_OBJECT_KEYS = 5_000;
const LONG_ARRAY_LENGTH = 20_000;
const OVERSIZED_BODY_BYTES = 200_000;

function nested(depth: number, wrap: (inner: unknown) => unknown): unknown {
  let value: unknown = 'bottom';
  for (let level = 0; level < depth; level += 1) value = wrap(value);
  return value;
}

/** Structures that exhaust recursion or per-key work: each is one fixed value. */
const HOSTILE_STRUCTURES: readonly unknown[] = [
  nested(NESTING_HOSTILE, (inner) => [inner]),
  nested(NESTING_HOSTILE, (inner) => ({ a: inner })),
  Object.fromEntries(Array.from({ length: WIDE_OBJECT_KEYS }, (_, index) => [`k${index}`, index])),
  Array.from({ length: LONG_ARRAY_LENGTH }, () => 0),
];

/** Objects whose keys are JavaScript built-ins; JSON.parse makes `__proto__` an own key. */
const PROTOTYPE_OBJECTS: readonly unknown[] = [
  JSON.parse('{"__proto__":{"polluted":"yes"}}') as unknown,
  { constructor: { prototype: { polluted: 'yes' } } },
  { constructor: 'x', toString: 'y', hasOwnProperty: 'z', prototype: 'p', valueOf: 'v' },
];

const HOSTILE_STRINGS: readonly string[] = [
  '',
  ' ',
  '\u0000',
  'order\u0000id',
  '\ud800',
  'x\udfff',
  '\ud83d',
  '\u{1F600}',
  '\u202e',
  '\r\n\t',
  'x'.repeat(5_000),
  '%00',
  '../../etc/passwd',
  "'; DROP TABLE payments; --",
  '<script>alert(1)</script>',
  '__proto__',
  'constructor',
  '9'.repeat(400),
  '1e309',
  'NaN',
  '-0',
  'null',
  '0x7f',
];

const HOSTILE_NUMBERS: readonly number[] = [
  0,
  -1,
  1.5,
  -0.0001,
  1e308,
  -1e308,
  2 ** 53 + 1,
  1e21,
  Number.MAX_SAFE_INTEGER,
];

/** Plausible values by property name, so that generated bodies get past the first checks often. */
const PLAUSIBLE_STRINGS: Record<string, readonly string[]> = {
  currency: ['usd', 'eur', 'jpy', 'kwd', 'USD', 'xxx'],
  settlement_currency: ['usd', 'eur', 'gbp'],
  number: [
    '4242424242424242',
    '4000000000000002',
    '000000000000000000',
    '1234567812345670',
    '4242424242424241',
    '378282246310005',
  ],
  cvc: ['123', '1234', '12'],
  type: ['card', 'bank_transfer', 'wallet'],
  country: ['DE', 'US', 'de'],
  provider: ['alipay', 'wechat_pay', 'paypal'],
  url: [
    'http://127.0.0.1:3001/v1/payments',
    'http://169.254.169.254/latest/meta-data/',
    'http://[::1]:3000/',
    'http://[64:ff9b::7f00:1]/',
    'http://[2002:7f00:1::]/',
    'http://10.0.0.1/',
    'http://[fd00::1]/',
    'http://0x7f000001/',
    'http://localhost/',
    'ftp://example.com/',
  ],
  email: ['a@example.com', 'not-an-email'],
  ip: ['203.0.113.9', '::1', '999.1.1.1'],
  outcome: ['approved', 'declined'],
  capture_method: ['automatic', 'manual'],
  evidence: ['winning_evidence', 'receipt'],
  name: ['Fuzz Merchant', ''],
  description: ['a description'],
};

const hostileLeaf: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...HOSTILE_STRINGS),
  fc.constantFrom(...HOSTILE_NUMBERS),
  fc.constantFrom<unknown>(null, true, false, [], {}, [null]),
  fc.string({ unit: 'binary', maxLength: 24 }),
  fc.jsonValue({ maxDepth: 2 }),
);

/** A hostile value; at the top levels also one of the exhausting structures. */
function hostileValue(depth: number): fc.Arbitrary<unknown> {
  return depth > 1
    ? hostileLeaf
    : fc.oneof(
        { weight: 6, arbitrary: hostileLeaf },
        { weight: 1, arbitrary: fc.constantFrom(...PROTOTYPE_OBJECTS) },
        { weight: 1, arbitrary: fc.constantFrom(...HOSTILE_STRUCTURES) },
      );
}

/** Keys nobody documented, hostile ones included. */
const extraKeys = fc.dictionary(
  fc.oneof(fc.constantFrom('__proto__', 'constructor', 'toString', 'x\u0000', '\ud800', ''), fc.string()),
  hostileLeaf,
  { maxKeys: 2 },
);

/** Values shaped by the schema, each one hostile now and then. */
export function valueForSchema(
  schema: OpenApiSchema | undefined,
  name: string,
  depth = 0,
): fc.Arbitrary<unknown> {
  const hostile = hostileValue(depth);
  if (schema === undefined || depth > 4) return hostile;
  let plausible: fc.Arbitrary<unknown>;
  if (schema.enum !== undefined && schema.enum.length > 0) {
    plausible = fc.constantFrom(...schema.enum);
  } else if (schema.type === 'object' && schema.properties !== undefined) {
    const properties = Object.entries(schema.properties);
    plausible = fc
      .tuple(
        fc.record(
          Object.fromEntries(
            properties.map(([key, property]) => [key, valueForSchema(property, key, depth + 1)]),
          ),
          { requiredKeys: [] },
        ),
        fc.option(extraKeys, { freq: 5 }),
      )
      .map(([known, extra]) => ({ ...known, ...(extra ?? {}) }));
  } else if (schema.type === 'object') {
    plausible = fc.dictionary(fc.string({ maxLength: 12 }), fc.string({ maxLength: 20 }), { maxKeys: 4 });
  } else if (schema.type === 'array') {
    plausible = fc.array(valueForSchema(schema.items, name, depth + 1), { maxLength: 4 });
  } else if (schema.type === 'integer' || schema.type === 'number') {
    plausible = fc.integer({ min: schema.minimum ?? 0, max: Math.min(schema.maximum ?? 100_000, 2 ** 31) });
  } else if (schema.type === 'boolean') {
    plausible = fc.boolean();
  } else {
    const examples = PLAUSIBLE_STRINGS[name];
    plausible = examples === undefined ? fc.string({ maxLength: 30 }) : fc.constantFrom(...examples);
  }
  return fc.oneof({ weight: 4, arbitrary: plausible }, { weight: 1, arbitrary: hostile });
}

const CARD = { number: '4242424242424242', exp_month: 12, exp_year: 2035, cvc: '123' };

/**
 * Sound bodies of the routes that take one, by `METHOD /path`: a hostile request is often one of
 * these with a single value replaced, so that it gets past every other check to the one it attacks.
 */
export const SOUND_BODIES: Record<string, readonly unknown[]> = {
  'POST /v1/payments': [
    {
      amount: 1_000,
      currency: 'usd',
      payment_method: { type: 'card', card: CARD },
      capture_method: 'manual',
      customer: { id: 'cus_1', email: 'a@example.com', ip: '203.0.113.9', country: 'US' },
      description: 'order 1',
      metadata: { order: '1' },
    },
    {
      amount: 2_500,
      currency: 'eur',
      payment_method: { type: 'bank_transfer', bank_transfer: { country: 'DE' } },
    },
    { amount: 900, currency: 'usd', payment_method: { type: 'wallet', wallet: { provider: 'alipay' } } },
  ],
  'POST /v1/payments/{id}/capture': [{ amount: 500 }],
  'POST /v1/payments/{id}/cancel': [{ cancellation_reason: 'requested_by_customer' }],
  'POST /v1/test_helpers/payments/{id}/resolve_action': [{ outcome: 'approved' }],
  'POST /v1/refunds': [{ payment: 'pay_0123456789abcdef', amount: 100, reason: 'duplicate' }],
  'POST /v1/payouts': [{ amount: 100, currency: 'usd' }],
  'POST /v1/disputes/{id}/evidence': [{ evidence: 'receipt attached' }],
  'POST /v1/webhook_endpoints': [
    { url: 'https://hooks.example.com/platform', enabled_events: ['payment.captured'], description: 'main' },
  ],
  'POST /v1/merchants': [
    {
      name: 'Fuzz Co',
      settlement_currency: 'eur',
      pricing: [{ currency: 'usd', basis_points: 250, fixed_amount: 30 }],
    },
  ],
  'POST /v1/merchants/{id}': [
    { name: 'Fuzz Co 2', pricing: [{ currency: 'eur', basis_points: 100, fixed_amount: 0 }] },
  ],
  'POST /v1/merchants/{id}/api_keys': [{ revoke_existing: false }],
  'PUT /v1/merchants/{merchantId}/rules': [
    {
      rules: [
        { id: 'big', kind: 'amount_above', action: 'review', weight: 50, params: { amount_minor: '100000' } },
      ],
      expected_version: 0,
    },
  ],
  'POST /v1/merchants/{merchantId}/lists': [{ kind: 'country', value: 'KP' }],
  'PUT /v1/ledger/pricing/{merchantId}/{currency}': [{ basis_points: 250, fixed_minor: '30' }],
  'POST /v1/ledger/entries/{id}/reversal': [{ reason: 'booked twice' }],
};

/** Every place in a value: [] is the value itself, ['a', 0] is value.a[0]. */
function placesIn(value: unknown, at: (string | number)[] = []): (string | number)[][] {
  const places = [at];
  if (Array.isArray(value)) value.forEach((item, index) => places.push(...placesIn(item, [...at, index])));
  else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) places.push(...placesIn(item, [...at, key]));
  }
  return places;
}

/** A copy of the value with the value at `place` replaced (or, for `undefined`, removed). */
function replacedAt(value: unknown, place: readonly (string | number)[], replacement: unknown): unknown {
  const [first, ...rest] = place;
  if (first === undefined) return replacement;
  if (Array.isArray(value)) {
    return (value as unknown[]).map((item, index) =>
      index === first ? replacedAt(item, rest, replacement) : item,
    );
  }
  const copy = { ...(value as Record<string, unknown>) };
  if (rest.length === 0 && replacement === undefined) delete copy[first];
  else copy[first] = replacedAt(copy[first], rest, replacement);
  return copy;
}

/** A sound body with one value replaced by a hostile one, or removed. */
function mutatedBody(sound: readonly unknown[]): fc.Arbitrary<unknown> {
  return fc
    .record({
      body: fc.constantFrom(...sound),
      pick: fc.nat(),
      replacement: fc.oneof(
        { weight: 8, arbitrary: hostileValue(0) },
        { weight: 1, arbitrary: fc.constant(undefined) },
      ),
    })
    .map(({ body, pick, replacement }) => {
      const places = placesIn(body);
      return replacedAt(body, places[pick % places.length] ?? [], replacement);
    });
}

/** What each place of a sound body is replaced with, one at a time, in every run. */
const SYSTEMATIC_REPLACEMENTS: readonly unknown[] = [
  null,
  undefined,
  'x\u0000y',
  'x\ud800',
  '',
  'text',
  1.5,
  -1,
  1e21,
  true,
  {},
  [],
  [null],
  JSON.parse('{"__proto__":{"polluted":"yes"}}') as unknown,
  { constructor: 'x' },
  nested(NESTING_HOSTILE, (inner) => [inner]),
];

/**
 * An id of the kind the path segment before it names, well-formed and of nothing that exists;
 * a merchant's (`/merchants/{id}`) is the given one, so that its updates reach the database.
 */
function plausibleParameter(previousSegment: string, name: string, merchantId: string): string {
  if (name === 'currency') return 'usd';
  if (previousSegment === 'merchants' && name === 'id') return merchantId;
  if (name === 'merchantId') return 'mer_0123456789abcdef';
  const prefixes: Record<string, string> = {
    payments: 'pay_',
    merchants: 'mer_',
    disputes: 'dp_',
    refunds: 're_',
    payouts: 'po_',
    webhook_endpoints: 'we_',
    api_keys: 'key_',
  };
  if (previousSegment === 'entries') return '00000000-0000-4000-8000-000000000000';
  return `${prefixes[previousSegment] ?? 'x_'}0123456789abcdef`;
}

/**
 * Every place of every sound body with each replacement above, once, with valid credentials: the
 * deterministic part of a run, so that `null` where an object is required or a NUL in a stored
 * field is tried at every field, whatever the seed.
 */
export function systematicRequests(
  route: DocumentedRoute,
  token: string,
  merchantId: string,
): HostileRequest[] {
  const sound = SOUND_BODIES[`${route.method.toUpperCase()} ${route.path}`] ?? [];
  const segments = route.path.split('/');
  const path = segments
    .map((segment, index) => {
      const name = /^\{(.+)\}$/.exec(segment)?.[1];
      return name === undefined ? segment : plausibleParameter(segments[index - 1] ?? '', name, merchantId);
    })
    .join('/');
  return sound.flatMap((body) =>
    placesIn(body).flatMap((place) =>
      SYSTEMATIC_REPLACEMENTS.map((replacement) => {
        const mutated = JSON.stringify(replacedAt(body, place, replacement)) ?? 'null';
        return {
          method: route.method.toUpperCase(),
          target: path,
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: Buffer.from(mutated, 'utf8'),
          description: `${route.method} ${path} body(systematic, at ${place.join('.') || 'the root'})=${mutated.slice(0, 300)}`,
        };
      }),
    ),
  );
}

/** Bodies that are not (good) JSON. */
const RAW_BODIES: readonly Buffer[] = [
  '{',
  '{"amount":',
  'null',
  '"text"',
  '1',
  '[]',
  '\ufeff{}',
  '{"a":1}{"b":2}',
  '{"a":1,}',
  "{'a':1}",
  '{"amount":1e99999}',
  '{"description":"\\ud800"}',
  '{"metadata":{"order":"\\u0000"}}',
  '{"__proto__":{"admin":true}}',
  '{"a":"\\uZZZZ"}',
  'x'.repeat(OVERSIZED_BODY_BYTES),
].map((text) => Buffer.from(text, 'utf8'));
const INVALID_UTF8_BODIES: readonly Buffer[] = [
  Buffer.from([0xff, 0xfe, 0x00]),
  Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d]),
];

const CONTENT_TYPES: readonly (string | undefined)[] = [
  'application/json',
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=latin1',
  'application/json; charset=utf-16',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  undefined,
];

/** Header values Node lets a client send (no control characters, Latin-1 only). */
const headerText = fc.oneof(
  fc.constantFrom('', ' ', 'x'.repeat(300), '\u00ff\u00fe', 'null', '%00', '../', 'Bearer', 'a,b'),
  fc.string({ maxLength: 40 }).map((text) => text.replace(/[^\t\x20-\x7e]/g, '?')),
);

function authorizationHeader(credentials: Credentials): fc.Arbitrary<string | undefined> {
  const wrong = fc.oneof(
    fc.constant(undefined),
    fc.constantFrom(
      'Bearer ',
      'Bearer sk_test_' + 'x'.repeat(32),
      'Bearer adm_' + 'x'.repeat(32),
      'Basic ' + Buffer.from('sk_test_nope:').toString('base64'),
      'Basic %%%',
      'Bearer ' + 'x'.repeat(8_000),
      'Digest username="x"',
    ),
    headerText.map((text) => `Bearer ${text}`),
  );
  if (!credentials.allowValid || credentials.valid.length === 0) return wrong;
  return fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...credentials.valid).map((token) => `Bearer ${token}`) },
    { weight: 1, arbitrary: wrong },
  );
}

/** A path parameter: usually a well-formed id of some kind, sometimes hostile, percent-encoded. */
const pathSegment: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .constantFrom('pay_', 'mer_', 're_', 'po_', 'dp_', 'we_', 'key_')
      .chain((prefix) => fc.stringMatching(/^[A-Za-z0-9]{8,24}$/).map((rest) => `${prefix}${rest}`)),
  },
  { weight: 1, arbitrary: fc.uuid() },
  {
    weight: 1,
    arbitrary: fc.constantFrom('usd', 'merchant_available:mer_x:USD', 'rle_0123456789abcdef01234567'),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom(...HOSTILE_STRINGS).map((text) => encodeURIComponent(safeForUri(text))),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '%ZZ',
      '%',
      '%E0%A4%A',
      '%ED%A0%80',
      '%00',
      '%2e%2e',
      '%2F',
      '..',
      'a'.repeat(3_000),
    ),
  },
);

/** encodeURIComponent throws on lone surrogates; those go as raw UTF-8 bytes of U+FFFD. */
function safeForUri(text: string): string {
  return text.replace(/[\ud800-\udfff]/g, '\ufffd');
}

const QUERY_NAMES = [
  'limit',
  'starting_after',
  'ending_before',
  'from',
  'to',
  'group_by',
  'kind',
  'offset',
  'as_of',
  'as_of_sequence',
  'before_version',
  'type',
  'currency',
  'merchant',
  'payment_method',
  'created[gte]',
  '__proto__',
  'constructor',
];

const queryPart: fc.Arbitrary<string> = fc.oneof(
  fc
    .tuple(
      fc.constantFrom(...QUERY_NAMES),
      fc.oneof(
        fc.constantFrom(
          '1',
          '0',
          '-1',
          '101',
          '1e9',
          'abc',
          '2026-01-01',
          '2026-13-45',
          'merchant,method',
          'pay_x',
        ),
        fc.constantFrom(...HOSTILE_STRINGS).map(safeForUri),
        fc.string({ maxLength: 20 }),
      ),
    )
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`),
  fc.constantFrom(
    '%ZZ=1',
    'limit=%',
    'limit=%00',
    'a[b][c][d]=1',
    'limit=1&limit=2',
    '=',
    '&&',
    'limit[]=1',
    'x=%ED%A0%80',
  ),
);

/** One hostile request for a route, sent with the service's credentials (or without them). */
export function hostileRequestFor(
  route: DocumentedRoute,
  credentials: Credentials,
): fc.Arbitrary<HostileRequest> {
  const sound = SOUND_BODIES[`${route.method.toUpperCase()} ${route.path}`];
  const json = (value: unknown) => ({
    kind: 'json',
    bytes: Buffer.from(JSON.stringify(value) ?? 'null', 'utf8'),
  });
  const segments = route.path.split('/');
  const parameterCount = segments.filter((segment) => /^\{.+\}$/.test(segment)).length;
  const method = fc.oneof(
    { weight: 12, arbitrary: fc.constant(route.method.toUpperCase()) },
    { weight: 1, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD') },
  );
  const none = fc.constant<{ kind: string; bytes: Buffer | undefined }>({ kind: 'none', bytes: undefined });
  const body = fc.oneof(
    { weight: 2, arbitrary: none },
    {
      weight: 4,
      arbitrary: valueForSchema(route.body ?? { type: 'object', properties: {} }, 'body').map(json),
    },
    ...(sound === undefined ? [] : [{ weight: 6, arbitrary: mutatedBody(sound).map(json) }]),
    {
      weight: 2,
      arbitrary: fc
        .constantFrom(...RAW_BODIES, ...INVALID_UTF8_BODIES)
        .map((bytes) => ({ kind: 'raw', bytes })),
    },
  );
  const extraHeaders = fc.record(
    {
      'idempotency-key': fc.oneof(headerText, fc.uuid(), fc.constant(['a', 'b'])),
      'x-actor': headerText,
      'x-correlation-id': headerText,
      accept: fc.constantFrom('text/csv', '*/*', 'application/xml', 'x/y;;;'),
      // Past Node's 16 KiB of headers: a 431 from the server itself.
      'x-padding': fc.oneof(
        { weight: 9, arbitrary: fc.constant('p') },
        { weight: 1, arbitrary: fc.constant('p'.repeat(20_000)) },
      ),
    },
    { requiredKeys: [] },
  );
  return fc
    .record({
      method,
      parameters: fc.array(pathSegment, { minLength: parameterCount, maxLength: parameterCount }),
      query: fc.array(queryPart, { maxLength: 3 }),
      body,
      contentType: fc.constantFrom(...CONTENT_TYPES),
      authorization: authorizationHeader(credentials),
      extraHeaders: fc.option(extraHeaders, { freq: 3 }),
    })
    .map(
      ({
        method: verb,
        parameters,
        query,
        body: chosen,
        contentType,
        authorization,
        extraHeaders: extra,
      }) => {
        let next = 0;
        const path = segments
          .map((segment) => (/^\{.+\}$/.test(segment) ? (parameters[next++] ?? 'x') : segment))
          .join('/');
        const target = query.length === 0 ? path : `${path}?${query.join('&')}`;
        const headers: Record<string, string | string[]> = {};
        if (authorization !== undefined) headers.authorization = authorization;
        const bytes = verb === 'GET' || verb === 'HEAD' ? undefined : chosen.bytes;
        if (bytes !== undefined && contentType !== undefined) headers['content-type'] = contentType;
        Object.assign(headers, extra ?? {});
        // Node's parser refuses the headers before the method is known, so the JSON 431 has a body a
        // HEAD client does not expect; that pairing is left out.
        if (verb === 'HEAD' && typeof headers['x-padding'] === 'string') headers['x-padding'] = 'p';
        const description =
          `${verb} ${target.slice(0, 300)} headers=${JSON.stringify(headers).slice(0, 300)} ` +
          `body(${chosen.kind})=${bytes === undefined ? '-' : bytes.toString('utf8').slice(0, 300)}`;
        return { method: verb, target, headers, body: bytes, description };
      },
    );
}
