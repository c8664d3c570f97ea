/**
 * The audit log's action names: a stable list scripts may rely on (GET /api/audit). Add names at
 * the end; never rename one that has shipped.
 */
export const AUDIT_ACTIONS = [
  'broadcast.created',
  'broadcast.scheduled',
  'broadcast.sent',
  'broadcast.paused',
  'broadcast.resumed',
  'broadcast.cancelled',
  'campaign.created',
  'campaign.edited',
  'export.downloaded',
  'import.applied',
  'contact.opted_out',
  'person.invited',
  'person.joined',
  'person.disabled',
  'person.enabled',
  'person.signed_in',
  'reply.sent',
  'person.password_changed',
  'thread.done',
  'thread.reopened',
  'thread.assigned',
  'threads.split',
  'donations.imported',
  'sequence.saved',
  'sequence.deleted',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** What an organizer reads for each action in the console. */
export const AUDIT_ACTION_LABELS: Readonly<Record<AuditAction, string>> = {
  'broadcast.created': 'created a broadcast',
  'broadcast.scheduled': 'scheduled a broadcast',
  'broadcast.sent': 'started sending a broadcast',
  'broadcast.paused': 'paused a broadcast',
  'broadcast.resumed': 'resumed a broadcast',
  'broadcast.cancelled': 'cancelled a broadcast',
  'campaign.created': 'created a campaign',
  'campaign.edited': 'edited a campaign',
  'export.downloaded': 'downloaded an export',
  'import.applied': 'imported contacts',
  'contact.opted_out': 'opted a contact out by hand',
  'person.invited': 'invited a person',
  'person.joined': 'accepted an invite',
  'person.disabled': 'disabled a person',
  'person.enabled': 'enabled a person',
  'person.signed_in': 'signed in',
  'reply.sent': 'sent a reply',
  'person.password_changed': 'changed their password',
  'thread.done': 'marked an inbox thread done',
  'thread.reopened': 'reopened an inbox thread',
  'thread.assigned': 'assigned an inbox thread',
  'threads.split': 'split unassigned inbox threads',
  'donations.imported': 'imported payments',
  'sequence.saved': 'saved a follow-up sequence',
  'sequence.deleted': 'deleted a follow-up sequence',
};
