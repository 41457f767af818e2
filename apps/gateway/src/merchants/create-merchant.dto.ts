import { IsDefined, IsOptional, IsString, Length } from 'class-validator';
import { IsKnownCurrencyCode } from '../payments/create-payment.dto';

export class CreateMerchantDto {
  @IsDefined()
  @Length(1, 100)
  @IsString()
  name!: string;

  /** Lower-case ISO 4217; payments in other currencies are converted into it. */
  @IsOptional()
  @IsKnownCurrencyCode()
  settlement_currency?: string;
}
