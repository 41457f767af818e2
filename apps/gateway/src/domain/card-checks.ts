/**
 * Checks on the card a merchant sends, before anything is stored: pure, so the card number
 * goes nowhere but the vault. Failures read like Stripe's card errors.
 */

export type CardBrand = 'visa' | 'mastercard' | 'amex' | 'discover' | 'jcb' | 'unionpay';

export type CardErrorCode =
  | 'invalid_number'
  | 'incorrect_number'
  | 'invalid_expiry_month'
  | 'invalid_expiry_year'
  | 'expired_card'
  | 'invalid_cvc';

export type CardField = 'number' | 'exp_month' | 'exp_year' | 'cvc';

export interface CardInput {
  readonly number: string;
  readonly expMonth: number;
  readonly expYear: number;
  readonly cvc: string;
}

export interface CheckedCard {
  readonly number: string;
  readonly brand: CardBrand;
  readonly bin: string;
  readonly last4: string;
  readonly expMonth: number;
  /** Always four digits: a two-digit year (25) means 2025. */
  readonly expYear: number;
}

export interface CardProblem {
  readonly code: CardErrorCode;
  readonly field: CardField;
  readonly message: string;
}

export type CardCheckResult =
  | { readonly ok: true; readonly card: CheckedCard }
  | { readonly ok: false; readonly problem: CardProblem };

export const CARD_NUMBER_LENGTH_MIN = 12;
export const CARD_NUMBER_LENGTH_MAX = 19;
export const CARD_EXP_YEAR_MIN = 2000;
export const CARD_EXP_YEAR_MAX = 2100;
const TWO_DIGIT_YEAR_BASE = 2000;

/** The Luhn (mod 10) checksum every card number carries in its last digit. */
export function passesLuhn(digits: string): boolean {
  if (!/^[0-9]+$/.test(digits)) return false;
  let sum = 0;
  let double = false;
  for (let index = digits.length - 1; index >= 0; index -= 1) {
    let digit = digits.charCodeAt(index) - 48;
    if (double) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    double = !double;
  }
  return sum % 10 === 0;
}

function prefixIn(digits: string, length: number, low: number, high: number): boolean {
  if (digits.length < length) return false;
  const prefix = Number(digits.slice(0, length));
  return prefix >= low && prefix <= high;
}

/** A network's IIN ranges (the leading digits it publishes) and the lengths its numbers have. */
interface CardNetwork {
  readonly brand: CardBrand;
  readonly matches: (digits: string) => boolean;
  readonly lengths: readonly number[];
}

const SIXTEEN_TO_NINETEEN = [16, 17, 18, 19] as const;

/** In order: Discover's co-branded 622126–622925 is found before UnionPay's 62. */
const CARD_NETWORKS: readonly CardNetwork[] = [
  { brand: 'visa', matches: (digits) => digits.startsWith('4'), lengths: [13, 16, 19] },
  {
    brand: 'mastercard',
    matches: (digits) => prefixIn(digits, 2, 51, 55) || prefixIn(digits, 4, 2221, 2720),
    lengths: [16],
  },
  { brand: 'amex', matches: (digits) => digits.startsWith('34') || digits.startsWith('37'), lengths: [15] },
  {
    brand: 'discover',
    matches: (digits) =>
      digits.startsWith('6011') ||
      digits.startsWith('65') ||
      prefixIn(digits, 3, 644, 649) ||
      prefixIn(digits, 6, 622_126, 622_925),
    lengths: SIXTEEN_TO_NINETEEN,
  },
  { brand: 'jcb', matches: (digits) => prefixIn(digits, 4, 3528, 3589), lengths: SIXTEEN_TO_NINETEEN },
  { brand: 'unionpay', matches: (digits) => digits.startsWith('62'), lengths: SIXTEEN_TO_NINETEEN },
];

/**
 * The card network, from the leading digits and the length (the IIN ranges each network
 * publishes); null for a number no network we accept issues, such as 0000… or 1234….
 */
export function detectCardBrand(digits: string): CardBrand | null {
  const network = CARD_NETWORKS.find((candidate) => candidate.matches(digits));
  return network !== undefined && network.lengths.includes(digits.length) ? network.brand : null;
}

/** A card is valid through the last day of its expiry month (UTC). */
export function isExpired(expMonth: number, expYear: number, now: Date): boolean {
  const currentYear = now.getUTCFullYear();
  const currentMonth = now.getUTCMonth() + 1;
  return expYear < currentYear || (expYear === currentYear && expMonth < currentMonth);
}

function problem(code: CardErrorCode, field: CardField, message: string): CardCheckResult {
  return { ok: false, problem: { code, field, message } };
}

/** Checks number, expiry and CVC in that order and answers with the first problem found. */
export function checkCard(input: CardInput, now: Date): CardCheckResult {
  const { number } = input;
  if (
    !/^[0-9]+$/.test(number) ||
    number.length < CARD_NUMBER_LENGTH_MIN ||
    number.length > CARD_NUMBER_LENGTH_MAX
  ) {
    return problem(
      'invalid_number',
      'number',
      `The card number must be ${CARD_NUMBER_LENGTH_MIN} to ${CARD_NUMBER_LENGTH_MAX} digits.`,
    );
  }
  const brand = detectCardBrand(number);
  if (brand === null) {
    return problem(
      'invalid_number',
      'number',
      'Your card number is not a number of a card network we accept.',
    );
  }
  if (!passesLuhn(number)) return problem('incorrect_number', 'number', 'Your card number is incorrect.');
  if (!Number.isInteger(input.expMonth) || input.expMonth < 1 || input.expMonth > 12) {
    return problem('invalid_expiry_month', 'exp_month', "Your card's expiration month is invalid.");
  }
  const expYear =
    input.expYear >= 0 && input.expYear < 100 ? TWO_DIGIT_YEAR_BASE + input.expYear : input.expYear;
  if (!Number.isInteger(expYear) || expYear < CARD_EXP_YEAR_MIN || expYear > CARD_EXP_YEAR_MAX) {
    return problem('invalid_expiry_year', 'exp_year', "Your card's expiration year is invalid.");
  }
  if (isExpired(input.expMonth, expYear, now))
    return problem('expired_card', 'exp_year', 'Your card has expired.');
  if (!/^[0-9]{3,4}$/.test(input.cvc))
    return problem('invalid_cvc', 'cvc', "Your card's security code is invalid.");
  return {
    ok: true,
    card: {
      number,
      brand,
      bin: number.slice(0, 6),
      last4: number.slice(-4),
      expMonth: input.expMonth,
      expYear,
    },
  };
}
