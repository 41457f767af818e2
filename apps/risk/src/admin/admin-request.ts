import { ApiError } from '@platform/service-runtime';
import type { RuleScope } from '../domain/rule-sets';

const MERCHANT_ID = /^mer_[A-Za-z0-9]{8,64}$/;
const ACTOR = /^[\x20-\x7e]{1,100}$/;

/** Who made a change, as the X-Actor header names them (the admin token is shared); "admin" without it. */
export function actorOf(header: string | undefined): string {
  if (header === undefined) return 'admin';
  if (!ACTOR.test(header)) {
    throw new ApiError(
      400,
      'invalid_request_error',
      'parameter_invalid',
      'X-Actor must be 1 to 100 printable ASCII characters.',
      'X-Actor',
    );
  }
  return header;
}

/** A merchant's scope from the path; a malformed id is a 400 naming it. */
export function merchantScope(merchantId: string): RuleScope {
  if (!MERCHANT_ID.test(merchantId)) {
    throw new ApiError(
      400,
      'invalid_request_error',
      'parameter_invalid',
      'merchantId must be a merchant id (mer_...).',
      'merchantId',
    );
  }
  return merchantId as RuleScope;
}

export const unixSeconds = (at: Date) => Math.floor(at.getTime() / 1000);
