/** Transitional: the outbox moved to src/store/outbox/; this keeps older importers compiling until they move. */
export * from './outbox/sqlite-gate';
