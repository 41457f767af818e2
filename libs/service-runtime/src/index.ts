export * from './api-error';
export * from './api-exception.filter';
export * from './validation';
export * from './platform-options';
export * from './platform.module';
export * from './kafka-connection';
export * from './event-consumers';
// PeriodicTask stays internal: services schedule work by extending PeriodicJob.
export type { PeriodicTaskLogger } from './periodic-task';
export * from './periodic-job';
export * from './run-service';
export * from './openapi-document';
export * from './log-redaction';
export * from './bearer-token.guard';
export * from './auth-failures';
export * from './input-limits';
export * from './http-server-limits';
