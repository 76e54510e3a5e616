import type { AuthenticatedUser } from './auth';
import { HttpError } from './http';

/**
 * Who may see and change a recording (issue #15). One rule for every route and the live stream:
 * an agent reads their own recordings, a manager also those of the teams they manage (a
 * recording belongs to the teams its uploader was in at upload), an admin all of them. Writes
 * stay the owner's (and an admin's): a manager coaches, they do not edit an agent's call.
 */
export type Viewer = Pick<AuthenticatedUser, 'id' | 'role' | 'teams'>;

/** What the rule looks at: the owner and the recording's teams (none for a recording from before teams). */
export interface Visible {
  ownerId: string | null | undefined;
  teamIds?: readonly string[] | null;
}

export function canRead(viewer: Viewer, r: Visible): boolean {
  if (viewer.role === 'admin') return true;
  if (r.ownerId && r.ownerId === viewer.id) return true;
  if (viewer.role !== 'manager' || !r.teamIds?.length) return false;
  const mine = new Set(viewer.teams);
  return r.teamIds.some((t) => mine.has(t));
}

export function canWrite(viewer: Viewer, r: Visible): boolean {
  return viewer.role === 'admin' || (Boolean(r.ownerId) && r.ownerId === viewer.id);
}

/**
 * Who may coach a recording (score overrides, issue #15): a manager of one of the recording's
 * teams, or an admin. Not the owner as such: an agent does not override their own scorecard.
 */
export function canCoach(viewer: Viewer, r: Visible): boolean {
  if (viewer.role === 'admin') return true;
  if (viewer.role !== 'manager' || !r.teamIds?.length) return false;
  const mine = new Set(viewer.teams);
  return r.teamIds.some((t) => mine.has(t));
}

/**
 * A write on a recording, checked: outside the viewer's read scope (or missing) a 404, so ids
 * cannot be probed; readable but not theirs to change (a manager on an agent's call) a 403.
 */
export function assertCanWrite(viewer: Viewer, r: Visible | null | undefined, audioId: string): void {
  if (!r || !canRead(viewer, r)) throw new HttpError(404, 'AUDIO.NOT_FOUND', `no recording ${audioId}`);
  if (!canWrite(viewer, r)) {
    throw new HttpError(403, 'AUDIO.FORBIDDEN', 'only the recording’s owner (or an admin) may change it');
  }
}

/** A store filter in the DocumentStore's shape (equality, `$in`, `$or`). */
export type ScopeFilter = { [field: string]: string | { $in: string[] } | ScopeFilter[] | undefined };

/**
 * The viewer's read scope as a store filter over the owner field and the teams field (an array:
 * `$in` matches a document whose array holds one of the values, as MongoDB does). `{}`: every
 * document (an admin).
 */
export function readScope(viewer: Viewer, fields = { owner: 'userId', teams: 'teamIds' }): ScopeFilter {
  if (viewer.role === 'admin') return {};
  const own: ScopeFilter = { [fields.owner]: viewer.id };
  if (viewer.role !== 'manager' || !viewer.teams.length) return own;
  return { $or: [own, { [fields.teams]: { $in: [...viewer.teams] } }] };
}

/** The teams a manager (or admin) may see figures of: `null` for every team (an admin). */
export function managedTeams(viewer: Viewer): readonly string[] | null {
  if (viewer.role === 'admin') return null;
  if (viewer.role === 'manager') return viewer.teams;
  throw new HttpError(403, 'TEAM.FORBIDDEN', 'the team view is for managers and admins');
}
