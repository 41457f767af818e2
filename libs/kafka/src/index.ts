export * from './kafka-settings';
export * from './event-producer';
export * from './event-consumer';
export * from './kafka-admin';
export * from './transient-errors';
export * from './dead-letter-redrive';
export * from './consumer-group-lag';
