import { Type } from 'class-transformer';
import {
  IsDefined,
  IsEmail,
  IsIn,
  IsInt,
  IsIP,
  IsObject,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateBy,
  ValidateNested,
  type ValidationOptions,
} from 'class-validator';
import { IsOptionalNotNull } from '@platform/service-runtime';
import { isKnownCurrency } from '@platform/money';

/*
 * class-validator runs a property's decorators bottom-up and stops at the first failure, so the
 * type check sits nearest the property: a string amount is reported as "must be an integer".
 */

/**
 * The body of POST /v1/payments, in the API's snake_case. Shapes and limits are checked here;
 * whether the card itself is good (Luhn, expiry) is the domain's call (domain/card-checks.ts).
 */

export const PAYMENT_AMOUNT_MINOR_MAX = 999_999_999_999;
export const METADATA_KEYS_MAX = 50;
export const METADATA_KEY_LENGTH_MAX = 40;
export const METADATA_VALUE_LENGTH_MAX = 500;
export const DESCRIPTION_LENGTH_MAX = 1000;

export function IsKnownCurrencyCode(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isKnownCurrencyCode',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' && /^[a-z]{3}$/.test(value) && isKnownCurrency(value.toUpperCase()),
        defaultMessage: () => 'must be a lower-case ISO 4217 currency code, such as usd',
      },
    },
    options,
  );
}

function IsMetadataMap(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isMetadataMap',
      validator: {
        validate: (value: unknown) => {
          if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
          const entries = Object.entries(value);
          return (
            entries.length <= METADATA_KEYS_MAX &&
            entries.every(
              ([key, entry]) =>
                key.length >= 1 &&
                key.length <= METADATA_KEY_LENGTH_MAX &&
                typeof entry === 'string' &&
                entry.length <= METADATA_VALUE_LENGTH_MAX,
            )
          );
        },
        defaultMessage: () =>
          `must be an object of at most ${METADATA_KEYS_MAX} string values, ` +
          `keys of 1..${METADATA_KEY_LENGTH_MAX} characters, values of at most ${METADATA_VALUE_LENGTH_MAX}`,
      },
    },
    options,
  );
}

export class CardDetailsDto {
  /** Only its type is checked here; the digits are checked in the domain and then vaulted. */
  @IsDefined()
  @MaxLength(64)
  @IsString()
  number!: string;

  @IsDefined()
  @IsInt()
  exp_month!: number;

  @IsDefined()
  @IsInt()
  exp_year!: number;

  @IsDefined()
  @MaxLength(8)
  @IsString()
  cvc!: string;
}

export class BankTransferDetailsDto {
  @IsDefined()
  @Matches(/^[A-Z]{2}$/, { message: 'must be an upper-case ISO 3166-1 alpha-2 country code, such as DE' })
  country!: string;
}

export const WALLET_PROVIDERS = ['alipay', 'wechat_pay'] as const;

export class WalletDetailsDto {
  @IsDefined()
  @IsIn(WALLET_PROVIDERS)
  provider!: (typeof WALLET_PROVIDERS)[number];
}

/**
 * One of card, bank_transfer or wallet. The details of the named type are required and those of
 * any other type refused (checked in paymentMethodProblem, as one rule across the fields).
 */
export class PaymentMethodDto {
  @IsDefined()
  @IsIn(['card', 'bank_transfer', 'wallet'])
  type!: 'card' | 'bank_transfer' | 'wallet';

  @IsOptionalNotNull()
  @ValidateNested()
  @IsObject()
  @Type(() => CardDetailsDto)
  card?: CardDetailsDto;

  @IsOptionalNotNull()
  @ValidateNested()
  @IsObject()
  @Type(() => BankTransferDetailsDto)
  bank_transfer?: BankTransferDetailsDto;

  @IsOptionalNotNull()
  @ValidateNested()
  @IsObject()
  @Type(() => WalletDetailsDto)
  wallet?: WalletDetailsDto;
}

/** The parameter that breaks "exactly the details of the named type", or null. */
export function paymentMethodProblem(method: PaymentMethodDto): { param: string; message: string } | null {
  for (const type of ['card', 'bank_transfer', 'wallet'] as const) {
    const present = method[type] !== undefined;
    if (type === method.type && !present) {
      return {
        param: `payment_method[${type}]`,
        message: `Missing payment_method[${type}] for type ${type}.`,
      };
    }
    if (type !== method.type && present) {
      return {
        param: `payment_method[${type}]`,
        message: `payment_method[${type}] is not allowed with type ${method.type}.`,
      };
    }
  }
  return null;
}

export class CustomerDto {
  @IsOptionalNotNull()
  @MaxLength(100)
  @IsString()
  id?: string;

  @IsOptionalNotNull()
  @MaxLength(254)
  @IsEmail()
  email?: string;

  @IsOptionalNotNull()
  @IsIP()
  @MaxLength(45)
  @IsString()
  ip?: string;

  @IsOptionalNotNull()
  @Matches(/^[A-Z]{2}$/, { message: 'must be an upper-case ISO 3166-1 alpha-2 country code, such as US' })
  country?: string;
}

export class CreatePaymentDto {
  @IsDefined()
  @Max(PAYMENT_AMOUNT_MINOR_MAX)
  @Min(1)
  @IsInt()
  amount!: number;

  @IsDefined()
  @IsKnownCurrencyCode()
  currency!: string;

  @IsDefined()
  @ValidateNested()
  @IsObject()
  @Type(() => PaymentMethodDto)
  payment_method!: PaymentMethodDto;

  @IsOptionalNotNull()
  @IsIn(['automatic', 'manual'])
  capture_method?: 'automatic' | 'manual';

  @IsOptionalNotNull()
  @ValidateNested()
  @IsObject()
  @Type(() => CustomerDto)
  customer?: CustomerDto;

  @IsOptionalNotNull()
  @MaxLength(DESCRIPTION_LENGTH_MAX)
  @IsString()
  description?: string;

  @IsOptionalNotNull()
  @IsMetadataMap()
  metadata?: Record<string, string>;
}
