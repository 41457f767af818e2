export * from './iso-4217';
export * from './money';
export * from './fx-rates';
export * from './fees';
