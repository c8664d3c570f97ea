/**
 * Polls and ideas, written once for both engines (src/store/work.ts). None of this runs per text
 * (that part is ./inbound.ts): organizers' actions, the live screen's counts (recomputed after a
 * burst of votes, coalesced by the hub) and the voting registry's reload.
 */
import { sql, type Kysely, type Selectable } from 'kysely';
import type { IdeaStatus } from '../../core/ideas';
import type { PollOption } from '../../core/voting';
import { AppError } from '../../shared/errors';
import type { DB } from '../database';
import { all, first, run, type Runner, type Work } from '../work';
import type {
  IdeaRecord, IdeasRepository, IdeaVoteRow, IdeaWindow, LiveVotingRows, NewPoll, OptionCount, PollRecord, PollsRepository, PollVoteRow,
} from './repository';
import type { IdeasTable, IdeaWindowsTable, PollsTable } from './tables';

function toPoll(r: Selectable<PollsTable>): PollRecord {
  return {
    id: r.id, campaignId: r.campaign_id, sender: r.sender, question: r.question, options: JSON.parse(r.options) as PollOption[],
    status: r.status, createdAt: r.created_at, openedAt: r.opened_at, closedAt: r.closed_at,
  };
}

function toWindow(r: Selectable<IdeaWindowsTable>): IdeaWindow {
  return { id: r.id, campaignId: r.campaign_id, sender: r.sender, openedAt: r.opened_at, closedAt: r.closed_at };
}

type IdeaRow = Selectable<IdeasTable> & { votes: number | string | null };

function toIdea(r: IdeaRow): IdeaRecord {
  return {
    id: r.id, campaignId: r.campaign_id, windowId: r.window_id, number: r.number === null ? null : Number(r.number), text: r.text,
    originalText: r.original_text, status: r.status as IdeaStatus, flag: r.flag, mergedInto: r.merged_into, createdAt: r.created_at,
    votes: Number(r.votes ?? 0),
  };
}

function ideasWithVotes(k: Kysely<DB>) {
  return k
    .selectFrom('ideas as i')
    .selectAll('i')
    .select((eb) => eb.selectFrom('idea_votes as v').select((e) => e.fn.countAll<number>().as('n')).whereRef('v.idea_id', '=', 'i.id').as('votes'));
}

export class PollsStore implements PollsRepository {
  constructor(private readonly db: Runner) {}

  private get k(): Kysely<DB> {
    return this.db.k;
  }

  async create(p: NewPoll): Promise<void> {
    await this.db.read(
      run(
        this.k.insertInto('polls').values({
          id: p.id, campaign_id: p.campaignId, sender: p.sender, question: p.question, options: JSON.stringify(p.options), status: 'draft',
          created_at: p.at, opened_at: null, closed_at: null,
        }),
      ),
    );
  }

  async find(id: string): Promise<PollRecord | undefined> {
    const r = await this.db.read(first(this.k.selectFrom('polls').selectAll().where('id', '=', id)));
    return r ? toPoll(r) : undefined;
  }

  async listByCampaign(campaignId: string): Promise<PollRecord[]> {
    const rows = await this.db.read(all(this.k.selectFrom('polls').selectAll().where('campaign_id', '=', campaignId).orderBy('created_at', 'desc').orderBy('id')));
    return rows.map(toPoll);
  }

  open(id: string, at: string): Promise<PollRecord> {
    const k = this.k;
    return this.db.tx(
      (function* (): Work<PollRecord> {
        const poll = yield* first(k.selectFrom('polls').selectAll().where('id', '=', id));
        if (!poll) throw new AppError('not_found', `poll ${id} not found`);
        if (poll.status === 'open') return toPoll(poll);
        const other = yield* first(k.selectFrom('polls').select(['id', 'question']).where('sender', '=', poll.sender).where('status', '=', 'open'));
        if (other) {
          throw new AppError('conflict', `another poll is open on sender ${poll.sender}: close it first`, [
            { path: 'id', message: `poll ${other.id} ("${other.question}") is open` },
          ]);
        }
        yield* run(k.updateTable('polls').set({ status: 'open', opened_at: at, closed_at: null }).where('id', '=', id));
        return toPoll((yield* first(k.selectFrom('polls').selectAll().where('id', '=', id)))!);
      })(),
    );
  }

  close(id: string, at: string): Promise<PollRecord> {
    const k = this.k;
    return this.db.tx(
      (function* (): Work<PollRecord> {
        const poll = yield* first(k.selectFrom('polls').selectAll().where('id', '=', id));
        if (!poll) throw new AppError('not_found', `poll ${id} not found`);
        if (poll.status === 'draft') throw new AppError('conflict', 'this poll was never opened', [{ path: 'id', message: 'open it before closing it' }]);
        if (poll.status === 'open') yield* run(k.updateTable('polls').set({ status: 'closed', closed_at: at }).where('id', '=', id));
        return toPoll((yield* first(k.selectFrom('polls').selectAll().where('id', '=', id)))!);
      })(),
    );
  }

  async counts(pollId: string): Promise<OptionCount[]> {
    const rows = await this.db.read(
      all(
        this.k.selectFrom('poll_votes').select((eb) => ['option_index', eb.fn.countAll<number>().as('n')])
          .where('poll_id', '=', pollId).where('option_index', 'is not', null).groupBy('option_index'),
      ),
    );
    return rows.map((r) => ({ optionIndex: Number(r.option_index), votes: Number(r.n) }));
  }

  async shown(campaignId: string, since: string): Promise<PollRecord | undefined> {
    const r = await this.db.read(
      first(
        this.k.selectFrom('polls').selectAll().where('campaign_id', '=', campaignId)
          .where((eb) => eb.or([eb('status', '=', 'open'), eb('closed_at', '>=', since)]))
          .orderBy(sql`CASE WHEN status = 'open' THEN 0 ELSE 1 END`).orderBy('opened_at', 'desc').limit(1),
      ),
    );
    return r ? toPoll(r) : undefined;
  }

  liveVoting(cutoff: string): Promise<LiveVotingRows> {
    const k = this.k;
    return this.db.read(
      (function* (): Work<LiveVotingRows> {
        const polls = yield* all(
          k.selectFrom('polls').selectAll().where((eb) => eb.or([eb('status', '=', 'open'), eb('closed_at', '>=', cutoff)])).orderBy('opened_at'),
        );
        const windows = yield* all(
          k.selectFrom('idea_windows').selectAll().where((eb) => eb.or([eb('closed_at', 'is', null), eb('closed_at', '>=', cutoff)])).orderBy('opened_at'),
        );
        const ids = windows.map((w) => w.id);
        const ideas = ids.length === 0 ? [] : yield* all(
          k.selectFrom('ideas').select(['window_id', 'id', 'number', 'status', 'merged_into'])
            .where('window_id', 'in', ids).where('number', 'is not', null).where('status', 'in', ['approved', 'merged']),
        );
        return {
          polls: polls.map(toPoll),
          windows: windows.map((w) => ({ id: w.id, campaignId: w.campaign_id, sender: w.sender, closedAt: w.closed_at })),
          ideas: ideas.map((i) => ({ windowId: i.window_id, id: i.id, number: Number(i.number), status: i.status as IdeaStatus, mergedInto: i.merged_into })),
        };
      })(),
    );
  }

  async votes(pollId: string): Promise<PollVoteRow[]> {
    const rows = await this.db.read(
      all(
        this.k.selectFrom('poll_votes as v').innerJoin('contacts as c', 'c.id', 'v.contact_id')
          .select(['c.phone', 'v.option_index', 'v.voted_at'])
          .where('v.poll_id', '=', pollId).where('v.option_index', 'is not', null).orderBy('v.voted_at').orderBy('c.phone'),
      ),
    );
    return rows.map((r) => ({ phone: r.phone, optionIndex: Number(r.option_index), votedAt: r.voted_at }));
  }

  async votersFor(campaignId: string, pollId: string | null, optionIndex: number | null): Promise<string[]> {
    let q = this.k.selectFrom('poll_votes as v').innerJoin('polls as p', 'p.id', 'v.poll_id').select('v.contact_id').distinct()
      .where('p.campaign_id', '=', campaignId).where('v.option_index', 'is not', null);
    if (pollId) q = q.where('v.poll_id', '=', pollId);
    if (optionIndex !== null) q = q.where('v.option_index', '=', optionIndex);
    const rows = await this.db.read(all(q));
    return rows.map((r) => r.contact_id);
  }
}

export class IdeasStore implements IdeasRepository {
  constructor(private readonly db: Runner) {}

  private get k(): Kysely<DB> {
    return this.db.k;
  }

  openWindow(w: { id: string; campaignId: string; sender: string; at: string }): Promise<IdeaWindow> {
    const k = this.k;
    return this.db.tx(
      (function* (): Work<IdeaWindow> {
        const open = yield* first(k.selectFrom('idea_windows').selectAll().where('campaign_id', '=', w.campaignId).where('closed_at', 'is', null));
        if (open) return toWindow(open);
        yield* run(k.insertInto('idea_windows').values({ id: w.id, campaign_id: w.campaignId, sender: w.sender, opened_at: w.at, closed_at: null }));
        return { id: w.id, campaignId: w.campaignId, sender: w.sender, openedAt: w.at, closedAt: null };
      })(),
    );
  }

  async closeWindow(campaignId: string, at: string): Promise<boolean> {
    const n = await this.db.read(run(this.k.updateTable('idea_windows').set({ closed_at: at }).where('campaign_id', '=', campaignId).where('closed_at', 'is', null)));
    return n > 0;
  }

  async latestWindow(campaignId: string): Promise<IdeaWindow | undefined> {
    const r = await this.db.read(first(this.k.selectFrom('idea_windows').selectAll().where('campaign_id', '=', campaignId).orderBy('opened_at', 'desc').limit(1)));
    return r ? toWindow(r) : undefined;
  }

  async list(campaignId: string): Promise<IdeaRecord[]> {
    const rows = await this.db.read(
      all(
        ideasWithVotes(this.k).innerJoin('idea_windows as w', 'w.id', 'i.window_id').where('i.campaign_id', '=', campaignId)
          .orderBy('w.opened_at', 'desc').orderBy(sql`CASE WHEN i.number IS NULL THEN 1 ELSE 0 END`).orderBy('i.number').orderBy('i.created_at').orderBy('i.id'),
      ),
    );
    return rows.map((r) => toIdea(r as IdeaRow));
  }

  async find(id: string): Promise<IdeaRecord | undefined> {
    const r = await this.db.read(first(ideasWithVotes(this.k).where('i.id', '=', id)));
    return r ? toIdea(r as IdeaRow) : undefined;
  }

  private change(id: string, work: (idea: Selectable<IdeasTable>, k: Kysely<DB>) => Work<void>): Promise<IdeaRecord> {
    const k = this.k;
    return this.db.tx(
      (function* (): Work<IdeaRecord> {
        const idea = yield* first(k.selectFrom('ideas').selectAll().where('id', '=', id));
        if (!idea) throw new AppError('not_found', `idea ${id} not found`);
        yield* work(idea, k);
        return toIdea((yield* first(ideasWithVotes(k).where('i.id', '=', id))) as IdeaRow);
      })(),
    );
  }

  approve(id: string, at: string): Promise<IdeaRecord> {
    return this.change(id, function* (idea, k) {
      if (idea.status === 'merged') throw new AppError('conflict', 'this idea was merged into another', [{ path: 'id', message: 'approve the idea it went into' }]);
      let number = idea.number;
      if (number === null) {
        const top = yield* first(k.selectFrom('ideas').select((eb) => eb.fn.max('number').as('n')).where('campaign_id', '=', idea.campaign_id));
        number = Number(top?.n ?? 0) + 1;
      }
      yield* run(k.updateTable('ideas').set({ status: 'approved', number, updated_at: at }).where('id', '=', id));
    });
  }

  reject(id: string, at: string): Promise<IdeaRecord> {
    return this.change(id, function* (idea, k) {
      if (idea.status === 'merged') throw new AppError('conflict', 'this idea was merged into another', [{ path: 'id', message: 'it is already off the list' }]);
      yield* run(k.updateTable('ideas').set({ status: 'rejected', updated_at: at }).where('id', '=', id));
    });
  }

  edit(id: string, text: string, at: string): Promise<IdeaRecord> {
    return this.change(id, function* (_idea, k) {
      yield* run(k.updateTable('ideas').set({ text, updated_at: at }).where('id', '=', id));
    });
  }

  merge(id: string, intoId: string, at: string): Promise<IdeaRecord> {
    return this.change(id, function* (idea, k) {
      if (id === intoId) throw new AppError('validation_failed', 'an idea cannot be merged into itself', [{ path: 'into', message: 'name another idea' }]);
      const into = yield* first(k.selectFrom('ideas').selectAll().where('id', '=', intoId));
      if (!into || into.campaign_id !== idea.campaign_id) throw new AppError('validation_failed', 'no such idea in this campaign', [{ path: 'into', message: `idea ${intoId} not found in this campaign` }]);
      if (into.status === 'merged' || into.status === 'rejected') {
        throw new AppError('validation_failed', `idea ${intoId} is ${into.status}`, [{ path: 'into', message: 'merge into an idea that is still on the list' }]);
      }
      // Votes move to the idea kept; a phone that voted for both keeps one vote there.
      yield* run(
        k.updateTable('idea_votes').set({ idea_id: intoId }).where('idea_id', '=', id)
          .where((eb) => eb.not(eb.exists(eb.selectFrom('idea_votes as o').select('o.contact_id').where('o.idea_id', '=', intoId).whereRef('o.contact_id', '=', 'idea_votes.contact_id')))),
      );
      yield* run(k.deleteFrom('idea_votes').where('idea_id', '=', id));
      // Ideas merged into this one earlier now point at the idea kept.
      yield* run(k.updateTable('ideas').set({ merged_into: intoId, updated_at: at }).where('merged_into', '=', id));
      yield* run(k.updateTable('ideas').set({ status: 'merged', merged_into: intoId, updated_at: at }).where('id', '=', id));
    });
  }

  async top(windowId: string, limit: number): Promise<IdeaRecord[]> {
    const rows = await this.db.read(
      all(ideasWithVotes(this.k).where('i.window_id', '=', windowId).where('i.status', '=', 'approved').orderBy('votes', 'desc').orderBy('i.number').limit(limit)),
    );
    return rows.map((r) => toIdea(r as IdeaRow));
  }

  async votes(campaignId: string): Promise<IdeaVoteRow[]> {
    const rows = await this.db.read(
      all(
        this.k.selectFrom('idea_votes as v').innerJoin('ideas as i', 'i.id', 'v.idea_id').innerJoin('contacts as c', 'c.id', 'v.contact_id')
          .select(['c.phone', 'v.idea_id', 'i.number', 'v.voted_at']).where('i.campaign_id', '=', campaignId).orderBy('v.voted_at').orderBy('c.phone'),
      ),
    );
    return rows.map((r) => ({ phone: r.phone, ideaId: r.idea_id, number: r.number === null ? null : Number(r.number), votedAt: r.voted_at }));
  }
}
