import { IsDefined, IsIn, IsInt, IsString, Matches, Max, Min } from 'class-validator';
import { IsOptionalNotNull } from '@platform/service-runtime';
import { PAYMENT_AMOUNT_MINOR_MAX } from '../requests/create-payment.dto';

export const REFUND_REASONS = ['requested_by_customer', 'duplicate', 'fraudulent'] as const;

export class CreateRefundDto {
  @IsDefined()
  @Matches(/^pay_[A-Za-z0-9]{8,64}$/, { message: 'must be a payment id (pay_...)' })
  @IsString()
  payment!: string;

  /** Omitted: everything captured and not yet refunded. */
  @IsOptionalNotNull()
  @Max(PAYMENT_AMOUNT_MINOR_MAX)
  @Min(1)
  @IsInt()
  amount?: number;

  @IsOptionalNotNull()
  @IsIn(REFUND_REASONS)
  reason?: (typeof REFUND_REASONS)[number];
}
