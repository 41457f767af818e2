import { IsDefined, IsInt, IsString, Matches, Max, Min } from 'class-validator';
import { PAYMENT_AMOUNT_MINOR_MAX } from '../requests/create-payment.dto';

export class CreatePayoutDto {
  @IsDefined()
  @Max(PAYMENT_AMOUNT_MINOR_MAX)
  @Min(1)
  @IsInt()
  amount!: number;

  @IsDefined()
  @Matches(/^[a-z]{3}$/, { message: 'must be a lower-case ISO 4217 currency code, such as usd' })
  @IsString()
  currency!: string;
}
