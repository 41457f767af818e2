import { Type } from 'class-transformer';
import { IsDefined, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { SEARCH_QUERY_LENGTH_MAX } from '../domain/payment-search-query';
import { LIST_LIMIT_MAX } from '../listing/list-query.dto';

/** `GET /v1/payments/search`: the query, a page size and the page token from a previous answer. */
export class PaymentSearchQueryDto {
  @IsDefined()
  @MaxLength(SEARCH_QUERY_LENGTH_MAX)
  @IsString()
  query!: string;

  @IsOptional()
  @Max(LIST_LIMIT_MAX)
  @Min(1)
  @IsInt()
  @Type(() => Number)
  limit?: number;

  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,100}$/, { message: 'must be a next_page value from a previous search' })
  @IsString()
  page?: string;
}
