export * from './tracing';
export * from './metrics';
export * from './file-span-exporter';
export * from './runtime-metrics';
