/** A rule of the books was broken by the input: the entry is refused, nothing is written. */
export class LedgerRuleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LedgerRuleError';
  }
}

/** A guarded account would go below zero: the entry is refused before anything is written. */
export class InsufficientBalanceError extends LedgerRuleError {
  constructor(
    readonly accountCode: string,
    readonly availableMinor: bigint,
    readonly requestedMinor: bigint,
  ) {
    super(`${accountCode} holds ${availableMinor}, ${requestedMinor} requested`);
    this.name = 'InsufficientBalanceError';
  }
}
