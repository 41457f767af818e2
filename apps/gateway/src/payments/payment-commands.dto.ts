import { IsBoolean, IsDefined, IsIn, IsInt, Max, Min } from 'class-validator';
import { IsOptionalNotNull } from '@platform/service-runtime';
import { PAYMENT_AMOUNT_MINOR_MAX } from '../requests/create-payment.dto';

export class CapturePaymentDto {
  /** Omitted (and amount_to_capture too): everything left of the authorization. */
  @IsOptionalNotNull()
  @Max(PAYMENT_AMOUNT_MINOR_MAX)
  @Min(1)
  @IsInt()
  amount?: number;

  /** Stripe's name for amount; both given must agree. */
  @IsOptionalNotNull()
  @Max(PAYMENT_AMOUNT_MINOR_MAX)
  @Min(1)
  @IsInt()
  amount_to_capture?: number;

  /** false keeps the uncaptured rest capturable by a later capture; true (the default) releases it. */
  @IsOptionalNotNull()
  @IsBoolean()
  final_capture?: boolean;
}

export const CANCELLATION_REASONS = [
  'requested_by_customer',
  'duplicate',
  'fraudulent',
  'abandoned',
] as const;

export class CancelPaymentDto {
  @IsOptionalNotNull()
  @IsIn(CANCELLATION_REASONS)
  cancellation_reason?: (typeof CANCELLATION_REASONS)[number];
}

export const ACTION_OUTCOMES = ['approved', 'declined'] as const;

/** The test helper's body: what the simulated customer (or bank) does with the pending action. */
export class ResolveActionDto {
  @IsDefined()
  @IsIn(ACTION_OUTCOMES)
  outcome!: (typeof ACTION_OUTCOMES)[number];
}
