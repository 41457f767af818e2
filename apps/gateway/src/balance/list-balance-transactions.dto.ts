import { IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { BALANCE_TRANSACTION_TYPES } from '../domain/balance-transactions';
import { PAYOUT_ID_PATTERN } from '../domain/random-identifiers';
import { ListQueryDto } from '../listing/list-query.dto';

/** GET /v1/balance_transactions: the list parameters and its filters. */
export class ListBalanceTransactionsDto extends ListQueryDto {
  @IsOptional()
  @IsIn(BALANCE_TRANSACTION_TYPES)
  type?: string;

  @IsOptional()
  @Matches(/^[a-z]{3}$/, { message: 'must be a lower-case ISO 4217 code' })
  @IsString()
  currency?: string;

  @IsOptional()
  @Matches(PAYOUT_ID_PATTERN, { message: 'must be a payout id' })
  @IsString()
  payout?: string;

  @IsOptional()
  @Matches(/^[a-z]{2,4}_[A-Za-z0-9]{8,64}$/, { message: 'must be an object id' })
  @IsString()
  source?: string;
}
