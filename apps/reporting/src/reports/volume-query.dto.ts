import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Matches, Max, Min, ValidateBy } from 'class-validator';
import { paymentMethodTypeSchema } from '@platform/contracts';
import { isKnownCurrency } from '@platform/money';

export const VOLUME_ROWS_PER_PAGE_MAX = 1_000;

/** A real calendar day written YYYY-MM-DD (2025-02-30 is refused). */
function IsCalendarDay() {
  return ValidateBy({
    name: 'isCalendarDay',
    validator: {
      validate: (value: unknown) => {
        if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
        const time = Date.parse(`${value}T00:00:00.000Z`);
        return !Number.isNaN(time) && new Date(time).toISOString().slice(0, 10) === value;
      },
      defaultMessage: () => 'must be a calendar day written YYYY-MM-DD',
    },
  });
}

function IsCurrencyCode() {
  return ValidateBy({
    name: 'isCurrencyCode',
    validator: {
      validate: (value: unknown) =>
        typeof value === 'string' && /^[a-z]{3}$/.test(value) && isKnownCurrency(value.toUpperCase()),
      defaultMessage: () => 'must be a lower-case ISO 4217 currency code such as usd',
    },
  });
}

/** GET /v1/reports/volume query: every filter optional; days are UTC and inclusive. */
export class VolumeQueryDto {
  @IsOptional()
  @Matches(/^mer_[A-Za-z0-9]{8,64}$/, { message: 'must be a merchant id (mer_…)' })
  merchant?: string;

  @IsOptional()
  @IsCurrencyCode()
  currency?: string;

  @IsOptional()
  @IsIn(paymentMethodTypeSchema.options)
  payment_method?: string;

  @IsOptional()
  @IsCalendarDay()
  from?: string;

  @IsOptional()
  @IsCalendarDay()
  to?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(VOLUME_ROWS_PER_PAGE_MAX)
  limit?: number;
}
