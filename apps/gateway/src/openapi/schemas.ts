import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';

/** JSON schemas of the API's bodies, as documented at /openapi.json. Kept next to nothing else. */

const integer = (description?: string): SchemaObject => ({
  type: 'integer',
  ...(description ? { description } : {}),
});
const string = (extra: SchemaObject = {}): SchemaObject => ({ type: 'string', ...extra });
const nullable = (schema: SchemaObject): SchemaObject => ({ ...schema, nullable: true });
const object = (properties: Record<string, SchemaObject>, required: string[] = []): SchemaObject => ({
  type: 'object',
  properties,
  ...(required.length > 0 ? { required } : {}),
  additionalProperties: false,
});
const metadata: SchemaObject = { type: 'object', additionalProperties: { type: 'string', maxLength: 500 } };
const minorAmount = integer('Amount in the currency minor unit (cents for usd, yen for jpy).');
const currency = string({ pattern: '^[a-z]{3}$', description: 'Lower-case ISO 4217 code.' });
const unixSeconds = integer('Unix timestamp in seconds.');

export const ERROR_SCHEMA = object(
  {
    error: object(
      {
        type: string({
          enum: [
            'invalid_request_error',
            'authentication_error',
            'permission_error',
            'idempotency_error',
            'rate_limit_error',
            'card_error',
            'api_error',
          ],
        }),
        code: string(),
        message: string(),
        param: string(),
      },
      ['type', 'code', 'message'],
    ),
  },
  ['error'],
);

export function listOf(item: SchemaObject): SchemaObject {
  return object(
    {
      object: string({ enum: ['list'] }),
      url: string(),
      has_more: { type: 'boolean' },
      data: { type: 'array', items: item },
    },
    ['object', 'has_more', 'data'],
  );
}

const customer = object({
  id: string({ maxLength: 100 }),
  email: string({ format: 'email' }),
  ip: string(),
  country: string({ pattern: '^[A-Z]{2}$' }),
});

export const CREATE_PAYMENT_SCHEMA = object(
  {
    amount: { ...minorAmount, minimum: 1, maximum: 999_999_999_999 },
    currency,
    payment_method: object(
      {
        type: string({ enum: ['card', 'bank_transfer', 'wallet'] }),
        card: object(
          {
            number: string({ maxLength: 64 }),
            exp_month: integer(),
            exp_year: integer(),
            cvc: string({ maxLength: 8 }),
          },
          ['number', 'exp_month', 'exp_year', 'cvc'],
        ),
        bank_transfer: object({ country: string({ pattern: '^[A-Z]{2}$' }) }, ['country']),
        wallet: object({ provider: string({ enum: ['alipay', 'wechat_pay'] }) }, ['provider']),
      },
      ['type'],
    ),
    capture_method: string({ enum: ['automatic', 'manual'] }),
    customer,
    description: string({ maxLength: 1000 }),
    metadata,
  },
  ['amount', 'currency', 'payment_method'],
);

/** A manual review risk opened on a payment; also the object of review.opened and review.closed events. */
export const REVIEW_SCHEMA = object(
  {
    id: string({ pattern: '^rev_' }),
    object: string({ enum: ['review'] }),
    payment: string({ pattern: '^pay_' }),
    open: { type: 'boolean' },
    reason: string({
      enum: ['rule', 'approved', 'declined'],
      description: 'rule while open (a risk rule asked for it), then the outcome, as Stripe does.',
    }),
    rules: { type: 'array', items: string(), description: 'The risk rules that asked for it.' },
    opened_at: unixSeconds,
    closed_at: nullable(unixSeconds),
    outcome: nullable(string({ enum: ['approved', 'declined'] })),
  },
  ['id', 'object', 'payment', 'open', 'reason', 'rules', 'opened_at', 'closed_at', 'outcome'],
);

export const PAYMENT_SCHEMA = object({
  id: string({ pattern: '^pay_' }),
  object: string({ enum: ['payment'] }),
  amount: minorAmount,
  currency,
  status: string({
    enum: ['processing', 'requires_capture', 'requires_action', 'succeeded', 'failed', 'canceled'],
  }),
  capture_method: string({ enum: ['automatic', 'manual'] }),
  amount_captured: integer('The sum of all captures, in the minor unit.'),
  amount_capturable: integer(
    'What a capture can still take (requires_capture: the authorization less amount_captured; else 0).',
  ),
  amount_refunded: minorAmount,
  payment_method: object({
    type: string({ enum: ['card', 'bank_transfer', 'wallet'] }),
    card: object({ brand: string(), last4: string(), exp_month: integer(), exp_year: integer() }),
    bank_transfer: object({ country: string() }),
    wallet: object({ provider: string() }),
  }),
  next_action: nullable({
    description:
      'While requires_action: what the customer must do. `type` names it and the details sit under ' +
      'a key of the same name, as in Stripe.',
    oneOf: [
      object(
        {
          type: string({ enum: ['use_3d_secure'] }),
          use_3d_secure: object({ challenge_id: string(), expires_at: unixSeconds }, [
            'challenge_id',
            'expires_at',
          ]),
        },
        ['type', 'use_3d_secure'],
      ),
      object(
        {
          type: string({ enum: ['display_qr_code'] }),
          display_qr_code: object(
            { data: string({ description: 'The QR payload to render.' }), expires_at: unixSeconds },
            ['data', 'expires_at'],
          ),
        },
        ['type', 'display_qr_code'],
      ),
      object(
        {
          type: string({ enum: ['display_bank_transfer_instructions'] }),
          display_bank_transfer_instructions: object(
            {
              reference: string({ description: 'The virtual account reference the customer pays to.' }),
              amount_remaining: minorAmount,
              currency,
              expires_at: unixSeconds,
            },
            ['reference', 'amount_remaining', 'currency', 'expires_at'],
          ),
        },
        ['type', 'display_bank_transfer_instructions'],
      ),
    ],
  }),
  fx: nullable({
    ...object(
      {
        settlement_currency: currency,
        settlement_amount: integer(
          'In the settlement currency minor unit: the captured amount converted once captured, the authorized amount before.',
        ),
        exchange_rate: string({
          pattern: '^[0-9]+(\\.[0-9]+)?$',
          description: 'Decimal string: settlement units per presentment unit.',
        }),
      },
      ['settlement_currency', 'settlement_amount', 'exchange_rate'],
    ),
    description:
      "Set once authorized when the payment's currency differs from the merchant's settlement currency.",
  }),
  customer: nullable(customer),
  description: nullable(string()),
  metadata,
  failure_code: nullable(string()),
  failure_message: nullable(string()),
  cancellation_reason: nullable(
    string({
      enum: ['requested_by_customer', 'duplicate', 'fraudulent', 'abandoned', 'automatic'],
      description:
        'Set once canceled: the reason given, or automatic for an authorization that expired uncaptured. ' +
        'A cancel after partial captures ends the payment succeeded and keeps its reason.',
    }),
  ),
  review: nullable({
    ...REVIEW_SCHEMA,
    description: 'Set when risk held the payment for manual review (it stays processing until decided).',
  }),
  created: unixSeconds,
  livemode: { type: 'boolean' },
});

export const RESOLVE_ACTION_SCHEMA = object(
  { outcome: string({ enum: ['approved', 'declined'], description: 'What the customer or bank does.' }) },
  ['outcome'],
);

export const CAPTURE_PAYMENT_SCHEMA = object({
  amount_to_capture: {
    ...minorAmount,
    minimum: 1,
    description: 'What to capture; omitted, everything left. Stripe name of `amount`.',
  },
  amount: {
    ...minorAmount,
    minimum: 1,
    description: 'The same as amount_to_capture; both given and different is a 400 parameters_exclusive.',
  },
  final_capture: {
    type: 'boolean',
    description:
      'true (the default) releases what this capture leaves; false keeps it capturable by later captures.',
  },
});
export const CANCEL_PAYMENT_SCHEMA = object({
  cancellation_reason: string({ enum: ['requested_by_customer', 'duplicate', 'fraudulent', 'abandoned'] }),
});

export const CREATE_REFUND_SCHEMA = object(
  {
    payment: string({ pattern: '^pay_' }),
    amount: { ...minorAmount, minimum: 1 },
    reason: string({ enum: ['requested_by_customer', 'duplicate', 'fraudulent'] }),
  },
  ['payment'],
);

export const REFUND_SCHEMA = object({
  id: string({ pattern: '^re_' }),
  object: string({ enum: ['refund'] }),
  payment: string(),
  amount: minorAmount,
  currency,
  status: string({ enum: ['pending', 'succeeded', 'failed'] }),
  reason: nullable(string()),
  failure_reason: nullable(string()),
  created: unixSeconds,
});

const balanceAmounts: SchemaObject = { type: 'array', items: object({ amount: minorAmount, currency }) };
export const BALANCE_SCHEMA = object({
  object: string({ enum: ['balance'] }),
  available: balanceAmounts,
  pending: balanceAmounts,
  livemode: { type: 'boolean' },
});

export const EVENT_SCHEMA = object({
  id: string({ pattern: '^evt_' }),
  object: string({ enum: ['event'] }),
  type: string(),
  data: { type: 'object', properties: { object: { type: 'object' } } },
  created: unixSeconds,
  livemode: { type: 'boolean' },
});

/** The event types are the webhooks feature's list (domain/webhook-event-types), passed in from there. */
export const createWebhookEndpointSchema = (eventTypes: readonly string[]): SchemaObject =>
  object(
    {
      url: string({ format: 'uri', maxLength: 2048 }),
      enabled_events: {
        type: 'array',
        items: string({ enum: [...eventTypes] }),
        minItems: 1,
        maxItems: 50,
      },
      description: string({ maxLength: 500 }),
    },
    ['url'],
  );

export const WEBHOOK_ENDPOINT_SCHEMA = object({
  id: string({ pattern: '^we_' }),
  object: string({ enum: ['webhook_endpoint'] }),
  url: string(),
  enabled_events: { type: 'array', items: string() },
  description: nullable(string()),
  status: string({ enum: ['enabled', 'deleted'] }),
  created: unixSeconds,
  secret: string({
    description: 'The signing secret: only in the answer to the creation or to rotate_secret.',
  }),
  previous_secret_expires: nullable({
    ...unixSeconds,
    description:
      'After rotate_secret: until then deliveries carry a v1= signature under the previous secret too.',
  }),
});

export const WEBHOOK_DELIVERY_SCHEMA = object({
  id: string(),
  object: string({ enum: ['webhook_delivery'] }),
  event: string(),
  status: string({ enum: ['pending', 'succeeded', 'failed'] }),
  attempts: integer(),
  last_status_code: nullable(integer()),
  last_error: nullable(string()),
  next_attempt: nullable(unixSeconds),
  created: unixSeconds,
});

export const DELETED_SCHEMA = object({ id: string(), object: string(), deleted: { type: 'boolean' } });

export const API_KEY_SCHEMA = object({
  id: string({ pattern: '^key_' }),
  object: string({ enum: ['api_key'] }),
  last4: string(),
  created: unixSeconds,
  revoked: nullable(unixSeconds),
  secret: string({ description: 'The key itself: only in the answer to the creation.' }),
});

/** The admin's POST /v1/merchants/:id/api_keys. */
export const ISSUE_API_KEY_SCHEMA = object({
  revoke_existing: {
    type: 'boolean',
    description: "Revoke the merchant's live keys first, in the same step (lost or leaked keys).",
  },
});

const settlementCurrency = string({
  pattern: '^[a-z]{3}$',
  description: 'Lower-case ISO 4217: payments in other currencies are converted into it.',
});
const merchantPricing: SchemaObject = {
  type: 'array',
  maxItems: 50,
  description:
    'The fee per currency, at most one entry each. A currency left out is charged the default, ' +
    '2.9 % + 0.30 (scaled to the currency). The ledger applies a change to the captures it posts after receiving it.',
  items: object(
    {
      currency,
      basis_points: {
        ...integer('Percentage of the amount in basis points: 250 = 2.5 %.'),
        minimum: 0,
        maximum: 10000,
      },
      fixed_amount: { ...minorAmount, minimum: 0 },
    },
    ['currency', 'basis_points', 'fixed_amount'],
  ),
};
export const CREATE_MERCHANT_SCHEMA = object(
  {
    name: string({ minLength: 1, maxLength: 100 }),
    settlement_currency: settlementCurrency,
    pricing: merchantPricing,
  },
  ['name'],
);
/** Only the fields given change; a pricing entry replaces that currency's fee, others stay. */
export const UPDATE_MERCHANT_SCHEMA = object({
  name: string({ minLength: 1, maxLength: 100 }),
  settlement_currency: settlementCurrency,
  pricing: merchantPricing,
});
export const MERCHANT_SCHEMA = object({
  id: string({ pattern: '^mer_' }),
  object: string({ enum: ['merchant'] }),
  name: string(),
  settlement_currency: nullable(settlementCurrency),
  pricing: merchantPricing,
  created: unixSeconds,
  api_key: string({ description: 'Only in the answer to the creation.' }),
});

/** An empty body: POSTs that take no parameters still document that they accept none. */
export const EMPTY_BODY_SCHEMA = object({});

export const CREATE_PAYOUT_SCHEMA = object({ amount: { ...minorAmount, minimum: 1 }, currency }, [
  'amount',
  'currency',
]);
export const PAYOUT_SCHEMA = object({
  id: string({ pattern: '^po_' }),
  object: string({ enum: ['payout'] }),
  amount: minorAmount,
  currency,
  status: string({ enum: ['pending', 'paid', 'failed'] }),
  failure_code: nullable(string()),
  created: unixSeconds,
});

export const SUBMIT_EVIDENCE_SCHEMA = object({ evidence: string({ minLength: 1, maxLength: 10_000 }) }, [
  'evidence',
]);
export const DISPUTE_SCHEMA = object({
  id: string({ pattern: '^dp_' }),
  object: string({ enum: ['dispute'] }),
  payment: string(),
  amount: minorAmount,
  currency,
  reason: string(),
  status: string({ enum: ['needs_response', 'under_review', 'won', 'lost'] }),
  evidence_submitted: nullable(unixSeconds),
  created: unixSeconds,
});
