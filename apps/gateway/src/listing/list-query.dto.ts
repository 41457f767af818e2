import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';

export const LIST_LIMIT_MAX = 100;
export const LIST_LIMIT_DEFAULT = 10;

/**
 * Stripe's list parameters. Express 5 parses `created[gte]=1` as a flat key, which the
 * controller reads itself (see createdRangeOf); these are the plain ones.
 */
export class ListQueryDto {
  @IsOptional()
  @Max(LIST_LIMIT_MAX)
  @Min(1)
  @IsInt()
  @Type(() => Number)
  limit?: number;

  @IsOptional()
  @Matches(/^[a-z]{2,4}_[A-Za-z0-9]{8,64}$/, { message: 'must be an object id' })
  @IsString()
  starting_after?: string;

  @IsOptional()
  @Matches(/^[a-z]{2,4}_[A-Za-z0-9]{8,64}$/, { message: 'must be an object id' })
  @IsString()
  ending_before?: string;

  @IsOptional()
  created?: unknown;

  @IsOptional()
  'created[gte]'?: unknown;

  @IsOptional()
  'created[gt]'?: unknown;

  @IsOptional()
  'created[lte]'?: unknown;

  @IsOptional()
  'created[lt]'?: unknown;
}
