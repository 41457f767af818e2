import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { IsOptionalNotNull } from '@platform/service-runtime';

const SEQUENCE = /^(0|[1-9][0-9]{0,17})$/;
export const STATEMENT_LIMIT_MAX = 500;

export class BalanceQueryDto {
  /** The balance after this entry sequence. */
  @IsOptional()
  @Matches(SEQUENCE, { message: 'must be a sequence number' })
  @IsString()
  as_of_sequence?: string;

  /** The balance of the entries written at or before this ISO 8601 time. */
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/, {
    message: 'must be an ISO 8601 time with a zone',
  })
  @IsString()
  as_of?: string;
}

export class StatementQueryDto {
  @IsOptional()
  @Max(STATEMENT_LIMIT_MAX)
  @Min(1)
  @IsInt()
  @Type(() => Number)
  limit?: number;

  /** A sequence: the page starts after it. */
  @IsOptional()
  @Matches(SEQUENCE, { message: 'must be a sequence number' })
  @IsString()
  starting_after?: string;
}

export class RepublishDto {
  @Matches(SEQUENCE, { message: 'must be a sequence number' })
  @IsString()
  from_sequence!: string;

  @IsOptionalNotNull()
  @Matches(SEQUENCE, { message: 'must be a sequence number' })
  @IsString()
  to_sequence?: string;
}

export class PricingDto {
  @Max(10_000)
  @Min(0)
  @IsInt()
  basis_points!: number;

  /** Minor units of the currency, as a string of digits. */
  @Matches(/^(0|[1-9][0-9]{0,17})$/, { message: 'must be an amount in minor units' })
  @IsString()
  fixed_minor!: string;
}

export class ReversalDto {
  @MaxLength(200)
  @IsString()
  reason!: string;
}

export class ControlQueryDto {
  /** Only this merchant's control reports and differences. */
  @IsOptional()
  @Matches(/^mer_[A-Za-z0-9]{8,64}$/, { message: 'must be a merchant id' })
  @IsString()
  merchant?: string;
}
