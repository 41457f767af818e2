/** The posting rules: one file per money movement, each a pure decision from the ledger's state and an event's facts. */
export * from './decision';
export * from './authorization';
export * from './capture';
export * from './cancel';
export * from './refund';
export * from './settlement';
export * from './payout';
export * from './dispute';
export * from './reversal';
