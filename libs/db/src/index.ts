export * from './data-source';
export * from './outbox-writer';
export * from './outbox-relay';
export * from './processed-events';
export * from './migrations/1764000000000-platform-tables';
