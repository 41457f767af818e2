import { applyDecorators } from '@nestjs/common';
import { ApiQuery } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { listOf } from './schemas';

/** The query parameters of the payments list's filters and of the search (README: Searching payments). */

const text = (name: string, description: string, pattern?: string): MethodDecorator =>
  ApiQuery({
    name,
    required: false,
    description,
    schema: { type: 'string', ...(pattern === undefined ? {} : { pattern }) },
  });

export function DocumentedPaymentFilters(): MethodDecorator {
  return applyDecorators(
    ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 100 } }),
    text('starting_after', 'A payment id: the page of older payments after it.'),
    text('ending_before', 'A payment id: the page of newer payments before it.'),
    text('created[gte]', 'Created at or after, unix seconds (also created, created[gt|lte|lt]).'),
    text('status', 'processing, requires_capture, requires_action, succeeded, failed or canceled.'),
    text('currency', 'ISO 4217, any case.', '^[A-Za-z]{3}$'),
    text('amount', 'Exactly this amount, minor units (also amount[gte|gt|lte|lt]).', '^[0-9]{1,18}$'),
    text('customer', "The payment's customer.id."),
    text('metadata[key]', 'Payments whose metadata has this key with exactly this value.'),
    text('payment_method[card][last4]', "The card's last four digits.", '^[0-9]{4}$'),
    text(
      'payment_method[card][fingerprint]',
      "The card's fingerprint: the same card number, across payments.",
    ),
  );
}

export function DocumentedPaymentSearch(): MethodDecorator {
  return applyDecorators(
    ApiQuery({
      name: 'query',
      required: true,
      description:
        "Clauses field:value joined by AND or by OR (not both): status, currency, amount, created, customer, email, last4, fingerprint, metadata['key']; amount and created also take >, >=, <, <=; a leading - negates. Example: status:'succeeded' AND amount>=1000 AND metadata['order_id']:'6735'.",
      schema: { type: 'string', maxLength: 1000 },
    }),
    ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 100 } }),
    text('page', "The previous answer's next_page, for the page after it."),
  );
}

export function searchResultOf(item: SchemaObject): SchemaObject {
  const list = listOf(item);
  return {
    ...list,
    properties: {
      ...list.properties,
      next_page: {
        type: 'string',
        nullable: true,
        description: 'Pass as page for the next page; null on the last.',
      },
    },
  };
}
