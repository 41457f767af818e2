export * from './wait-for';
export * from './scratch-database';
export * from './kafka-probe';
export * from './migrated-database';
export * from './service-process';
export * from './test-namespace';
export * from './test-card';
export * from './browser';
