/** The payment decider: `decide(command, state)` → events or a rejection, `evolve(state, event)` → state. */
export * from './types';
export * from './commands';
export * from './events';
export * from './state';
export { isRejection, type Rejection, type RejectionCode } from './rejections';
export * from './decide';
export * from './evolve';
export * from './handle-command';
