/** People accounts (schema.sql `users`, `user_invites`, `session_users`): who may sign in as themselves. */
import type { Insertable, Selectable } from 'kysely';

export type UserRole = 'admin' | 'volunteer';
export type UserStatus = 'invited' | 'active' | 'disabled';

export interface UsersTable {
  id: string;
  email: string;
  name: string | null;
  role: UserRole;
  status: UserStatus;
  password_hash: string | null;
  invited_by: string | null;
  created_at: string;
  updated_at: string;
}

export interface UserInvitesTable {
  token_hash: string;
  user_id: string;
  created_by: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

export interface SessionUsersTable {
  session_id_hash: string;
  user_id: string;
}

export type User = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type UserInvite = Selectable<UserInvitesTable>;
