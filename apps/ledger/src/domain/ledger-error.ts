/** A rule of the books was broken by the input: the entry is refused, nothing is written. */
export class LedgerRuleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LedgerRuleError';
  }
}
