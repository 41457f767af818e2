export * from './data-source';
export * from './outbox-writer';
export * from './outbox-relay';
export * from './processed-events';
export * from './outbox-pruner';
export * from './migrations';
export * from './batched-delete';
export * from './outbox-backlog';
