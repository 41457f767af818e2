export * from './projection-fold';
export * from './csv';
