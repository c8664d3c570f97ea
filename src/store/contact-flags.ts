/** Transitional: contact flags moved to src/store/outbox/; this keeps older importers compiling until they move. */
export * from './outbox/sqlite-contact-flags';
