import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Matches, Max, Min, ValidateBy } from 'class-validator';
import { accountTypeSchema, paymentMethodTypeSchema } from '@platform/contracts';
import { isKnownCurrency } from '@platform/money';

export const ROWS_PER_PAGE_MAX = 1_000;
export const ROWS_PER_PAGE_DEFAULT = 100;
/** Pages beyond this are refused: an analyst wanting more narrows the filter or takes the CSV. */
export const OFFSET_MAX = 1_000_000;

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

/** An IANA time zone name the runtime knows (Europe/Paris, UTC). */
export function isTimeZone(value: unknown): boolean {
  if (typeof value !== 'string' || !/^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/.test(value)) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

function IsTimeZone() {
  return ValidateBy({
    name: 'isTimeZone',
    validator: {
      validate: isTimeZone,
      defaultMessage: () => 'must be an IANA time zone such as Europe/Paris',
    },
  });
}

const VOLUME_GROUPS = ['merchant', 'method'] as const;

class PageQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: ROWS_PER_PAGE_MAX, default: ROWS_PER_PAGE_DEFAULT })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(ROWS_PER_PAGE_MAX)
  limit?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: OFFSET_MAX, default: 0, description: 'rows to skip' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(OFFSET_MAX)
  offset?: number;
}

class PeriodQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'merchant id (mer_…)' })
  @IsOptional()
  @Matches(/^mer_[A-Za-z0-9]{8,64}$/, { message: 'must be a merchant id (mer_…)' })
  merchant?: string;

  @ApiPropertyOptional({ example: 'usd' })
  @IsOptional()
  @IsCurrencyCode()
  currency?: string;

  @ApiPropertyOptional({ description: 'first day, inclusive, in time_zone', example: '2025-11-01' })
  @IsOptional()
  @IsCalendarDay()
  from?: string;

  @ApiPropertyOptional({ description: 'last day, inclusive, in time_zone', example: '2025-11-30' })
  @IsOptional()
  @IsCalendarDay()
  to?: string;

  @ApiPropertyOptional({
    enum: ['day', 'week', 'month'],
    default: 'day',
    description: 'weeks start on Monday',
  })
  @IsOptional()
  @IsIn(['day', 'week', 'month'])
  period?: 'day' | 'week' | 'month';

  @ApiPropertyOptional({ default: 'UTC', example: 'Europe/Paris' })
  @IsOptional()
  @IsTimeZone()
  time_zone?: string;
}

/**
 * GET /v1/reports/volume. Both currencies are always groups: amounts of two currencies are never
 * added. `currency` filters on the presentment currency, `settlement_currency` on the settlement one.
 */
export class VolumeQueryDto extends PeriodQuery {
  @ApiPropertyOptional({ example: 'jpy', description: 'the currency the merchant is credited in' })
  @IsOptional()
  @IsCurrencyCode()
  settlement_currency?: string;

  @ApiPropertyOptional({ enum: paymentMethodTypeSchema.options })
  @IsOptional()
  @IsIn([...paymentMethodTypeSchema.options, 'unknown'])
  method?: string;

  @ApiPropertyOptional({
    description: 'comma-separated groups besides period and currency: merchant, method (default both)',
    example: 'method',
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? (value === '' ? [] : value.split(',')) : value,
  )
  @IsIn(VOLUME_GROUPS, { each: true, message: 'must list groups among merchant, method' })
  group_by?: string[];
}

/** GET /v1/reports/fees: fee revenue (credits to revenue accounts) per period and currency. */
export class FeesQueryDto extends PeriodQuery {
  @ApiPropertyOptional({ enum: ['merchant', ''], description: 'merchant: one line per merchant too' })
  @IsOptional()
  @IsIn(['merchant', ''])
  group_by?: string;
}

/** GET /v1/reports/balances: account balances folded from every posting. */
export class BalancesQueryDto extends PageQuery {
  @ApiPropertyOptional({ description: 'accounts of this merchant (mer_…)' })
  @IsOptional()
  @Matches(/^mer_[A-Za-z0-9]{8,64}$/, { message: 'must be a merchant id (mer_…)' })
  merchant?: string;

  @ApiPropertyOptional({ example: 'usd' })
  @IsOptional()
  @IsCurrencyCode()
  currency?: string;

  @ApiPropertyOptional({ enum: accountTypeSchema.options })
  @IsOptional()
  @IsIn(accountTypeSchema.options)
  account_type?: string;
}

export const TOP_MERCHANTS_MAX = 50;

/** GET /v1/reports/overview: everything the dashboard shows, in one currency, from one snapshot. */
export class OverviewQueryDto {
  @ApiPropertyOptional({ description: 'merchant id (mer_…)' })
  @IsOptional()
  @Matches(/^mer_[A-Za-z0-9]{8,64}$/, { message: 'must be a merchant id (mer_…)' })
  merchant?: string;

  @ApiPropertyOptional({ enum: paymentMethodTypeSchema.options })
  @IsOptional()
  @IsIn([...paymentMethodTypeSchema.options, 'unknown'])
  method?: string;

  @ApiPropertyOptional({
    example: 'jpy',
    description: 'show this currency alone, as it is (else every currency converted, see reporting_currency)',
  })
  @IsOptional()
  @IsCurrencyCode()
  currency?: string;

  @ApiPropertyOptional({
    example: 'usd',
    description: 'convert every currency into this one with the rate table (default REPORTING_CURRENCY)',
  })
  @IsOptional()
  @IsCurrencyCode()
  reporting_currency?: string;

  @ApiPropertyOptional({
    enum: ['hour', 'day', 'week', 'month'],
    default: 'day',
    description: 'bucket size; weeks start on Monday',
  })
  @IsOptional()
  @IsIn(['hour', 'day', 'week', 'month'])
  period?: 'hour' | 'day' | 'week' | 'month';

  @ApiPropertyOptional({ description: 'first day, inclusive, in time_zone (default: a span ending today)' })
  @IsOptional()
  @IsCalendarDay()
  from?: string;

  @ApiPropertyOptional({ description: 'last day, inclusive, in time_zone (default today)' })
  @IsOptional()
  @IsCalendarDay()
  to?: string;

  @ApiPropertyOptional({ default: 'UTC', example: 'Europe/Paris' })
  @IsOptional()
  @IsTimeZone()
  time_zone?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: TOP_MERCHANTS_MAX, default: 10 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(TOP_MERCHANTS_MAX)
  top?: number;
}
