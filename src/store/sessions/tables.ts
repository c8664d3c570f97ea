/** The console_sessions table (schema.sql): signed-in console sessions, keyed by the id's hash. */

export interface ConsoleSessionsTable {
  id_hash: string;
  role: 'admin' | 'volunteer';
  token_digest: string;
  csrf: string;
  created_at: string;
  expires_at: string;
}
