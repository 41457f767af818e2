import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsDefined,
  IsInt,
  IsObject,
  IsString,
  Length,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsOptionalNotNull } from '@platform/service-runtime';
import { BASIS_POINTS_MAX } from '@platform/contracts';
import { IsKnownCurrencyCode, PAYMENT_AMOUNT_MINOR_MAX } from '../requests/create-payment.dto';

/** More currencies than anyone prices separately; the bound keeps one request small. */
export const PRICED_CURRENCIES_MAX = 50;

/** One currency's fee: a percentage in basis points (250 = 2.5 %) plus a fixed amount. */
export class PricingEntryDto {
  @IsDefined()
  @IsKnownCurrencyCode()
  currency!: string;

  @IsDefined()
  @Max(BASIS_POINTS_MAX)
  @Min(0)
  @IsInt()
  basis_points!: number;

  /** In the currency's minor unit; a fixed fee above the largest payment would be no price. */
  @IsDefined()
  @Max(PAYMENT_AMOUNT_MINOR_MAX)
  @Min(0)
  @IsInt()
  fixed_amount!: number;
}

/** The currency of an entry, for the uniqueness check (an entry that is no object has none). */
function currencyOf(entry: unknown): unknown {
  return typeof entry === 'object' && entry !== null ? (entry as { currency?: unknown }).currency : entry;
}

/** What a merchant is priced and settled in: the same fields at onboarding and on update. */
class MerchantSettingsDto {
  /** Lower-case ISO 4217; payments in other currencies are converted into it. */
  @IsOptionalNotNull()
  @IsKnownCurrencyCode()
  settlement_currency?: string;

  /** Currencies left out are charged the ledger's default (2.9 % + 0.30). */
  @IsOptionalNotNull()
  @ValidateNested({ each: true })
  @Type(() => PricingEntryDto)
  @IsObject({ each: true })
  @ArrayUnique(currencyOf, { message: 'must name each currency at most once' })
  @ArrayMaxSize(PRICED_CURRENCIES_MAX)
  @IsArray()
  pricing?: PricingEntryDto[];
}

export class CreateMerchantDto extends MerchantSettingsDto {
  @IsDefined()
  @Length(1, 100)
  @IsString()
  name!: string;
}

/** POST /v1/merchants/:id: only the fields given change; pricing entries replace their currency's. */
export class UpdateMerchantDto extends MerchantSettingsDto {
  @IsOptionalNotNull()
  @Length(1, 100)
  @IsString()
  name?: string;
}

/** POST /v1/merchants/:id/api_keys (admin). */
export class IssueApiKeyDto {
  @IsOptionalNotNull()
  @IsBoolean()
  revoke_existing?: boolean;
}
