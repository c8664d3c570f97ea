/**
 * The audience as SQL: subscribed contacts only (opted-out, pending, undeliverable and test
 * contacts never match); membership filters (keyword, joined between, completed) apply to one
 * campaign membership. Built per call: the filters vary.
 */
import { sql, type Expression, type Kysely, type SqlBool } from 'kysely';
import type { Audience } from '../../core/audience';
import { zip3sForState } from '../../core/time-zones';
import type { DB } from '../database';
import { engineOf } from '../dialect';

/**
 * A custom field (contacts.fields, JSON text) equal to one of `values`: text ignoring case, numbers
 * and yes/no as captured. The name is checked by the audience schema (lower-case letters, digits, _).
 */
export function fieldMatches(db: Kysely<DB>, name: string, values: readonly (string | number | boolean)[]): Expression<SqlBool> {
  const pg = engineOf(db) === 'postgres';
  const value = pg ? sql<string>`(c.fields::jsonb ->> ${name})` : sql<string>`json_extract(c.fields, ${`$."${name}"`})`;
  const one = (v: string | number | boolean) => {
    if (typeof v === 'string') return sql<SqlBool>`lower(CAST(${value} AS TEXT)) = ${v.toLowerCase()}`;
    if (typeof v === 'boolean') return pg ? sql<SqlBool>`${value} = ${v ? 'true' : 'false'}` : sql<SqlBool>`${value} = ${v ? 1 : 0}`;
    return pg ? sql<SqlBool>`${value} = ${String(v)}` : sql<SqlBool>`${value} = ${v}`;
  };
  return sql<SqlBool>`(${sql.join(values.map(one), sql` OR `)})`;
}

export function membershipQuery(db: Kysely<DB>, a: Audience) {
  let q = db
    .selectFrom('campaign_members as m')
    .innerJoin('contacts as c', 'c.id', 'm.contact_id')
    .where('m.campaign_id', 'in', a.campaigns)
    .where('c.status', '=', 'subscribed')
    .where('c.undeliverable', '=', 0)
    .where('c.is_test', '=', 0);
  if (a.keywords) q = q.where('m.keyword', 'in', a.keywords);
  if (a.joinedAfter) q = q.where('m.joined_at', '>=', a.joinedAfter);
  if (a.joinedBefore) q = q.where('m.joined_at', '<', a.joinedBefore);
  if (a.completed !== undefined) q = q.where('m.completed_at', a.completed ? 'is not' : 'is', null);
  if (a.zipPrefix) q = q.where('c.zip', 'like', `${a.zipPrefix}%`);
  if (a.state) {
    const state = a.state;
    const zip3s = zip3sForState(state);
    q = q.where((eb) => {
      const noZip = eb.or([eb('c.zip', 'is', null), eb('c.zip', '=', '')]);
      const byZip: Expression<SqlBool> = zip3s.length > 0 ? eb(eb.fn<string>('substr', ['c.zip', eb.val(1), eb.val(3)]), 'in', zip3s) : eb.val(false);
      return eb.or([eb.and([eb.not(noZip), byZip]), eb.and([noZip, eb(eb.fn<string>('upper', ['c.from_state']), '=', state)])]);
    });
  }
  if (a.language) {
    const languages = a.language;
    // The language the recipient gets on this membership's campaign: theirs when the campaign
    // lists it, else the campaign default (its stored JSON list starts `["xx"`). Portable SQL.
    q = q.where((eb) =>
      eb(
        eb
          .selectFrom('campaigns as lc')
          .select(
            sql<string>`CASE WHEN c.language IS NOT NULL AND lc.languages LIKE ${sql.lit('%"')} || c.language || ${sql.lit('"%')} THEN c.language ELSE substr(lc.languages, 3, 2) END`.as('lang'),
          )
          .whereRef('lc.id', '=', 'm.campaign_id'),
        'in',
        languages,
      ),
    );
  }
  if (a.teams) {
    const teams = a.teams;
    q = q.where((eb) =>
      eb.exists(
        eb.selectFrom('contact_teams as t').select('t.team').whereRef('t.contact_id', '=', 'm.contact_id').whereRef('t.campaign_id', '=', 'm.campaign_id')
          .where('t.team', 'in', teams),
      ),
    );
  }
  if (a.fields) {
    for (const [name, values] of Object.entries(a.fields)) q = q.where(fieldMatches(db, name, values));
  }
  if (a.votedFor) {
    const { poll } = a.votedFor;
    // A word is resolved to its number before an audience is stored or sent; one left here
    // (never expected) matches nobody rather than everybody.
    const option = typeof a.votedFor.option === 'number' ? a.votedFor.option : 0;
    q = q.where((eb) =>
      eb.exists(
        eb.selectFrom('poll_votes as v').select('v.poll_id').whereRef('v.contact_id', '=', 'm.contact_id')
          .where('v.poll_id', '=', poll).where('v.option_index', '=', option - 1),
      ),
    );
  }
  if (a.pledged !== undefined) {
    q = q.where((eb) => {
      const pledge = eb.exists(
        eb.selectFrom('pledges as p').select('p.id').whereRef('p.contact_id', '=', 'm.contact_id').where('p.campaign_id', 'in', a.campaigns),
      );
      return a.pledged ? pledge : eb.not(pledge);
    });
  }
  return q;
}
