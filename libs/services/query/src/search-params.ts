import { RECORDING_STATUSES } from '@speech/contracts';
import { HttpError, type Viewer } from '@speech/platform';
import { parseSearchText, SEARCH_SORTS, type SearchQuery, type SearchSort } from '@speech/search';

const MAX_LIMIT = 100;
const DEFAULT_LIMIT = 20;

const bad = (message: string) => new HttpError(400, 'SEARCH.BAD_REQUEST', message);

/** One query parameter as a string: given once, not empty, not too long. */
function one(query: Record<string, unknown>, name: string): string | undefined {
  const v = query[name];
  if (v === undefined || v === '') return undefined;
  if (typeof v !== 'string') throw bad(`${name} must be given once, as text`);
  if (v.length > 200) throw bad(`${name} is longer than 200 characters`);
  return v;
}

/** A date as ms since the epoch: digits, or an ISO 8601 date or date-time. */
function time(name: string, v: string | undefined, endOfDay: boolean): number | undefined {
  if (v === undefined) return undefined;
  if (/^\d{1,15}$/.test(v)) return Number(v);
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(v);
  const ms = Date.parse(dateOnly ? `${v}T00:00:00Z` : v);
  if (!/^\d{4}-\d{2}-\d{2}/.test(v) || Number.isNaN(ms)) {
    throw bad(
      `${name} must be a date (2026-03-01, 2026-03-01T09:30:00Z) or ms since the epoch, not ${JSON.stringify(v)}`,
    );
  }
  // `to=2026-03-01` means the whole of that day.
  return dateOnly && endOfDay ? ms + 86_400_000 - 1 : ms;
}

/**
 * GET /search's parameters as a SearchQuery for the viewer's read scope (a user id: their own
 * recordings), or a 400 that says what is wrong.
 */
export function searchQueryOf(viewer: Viewer | string, query: Record<string, unknown>): SearchQuery {
  const who: Viewer = typeof viewer === 'string' ? { id: viewer, role: 'agent', teams: [] } : viewer;
  const q = one(query, 'q');
  if (q === undefined) throw bad('q (the words to search for) is required');
  try {
    parseSearchText(q);
  } catch (err) {
    throw bad(err instanceof Error ? err.message : String(err));
  }
  const status = one(query, 'status');
  if (status !== undefined && !(RECORDING_STATUSES as readonly string[]).includes(status)) {
    throw bad(`status must be one of ${RECORDING_STATUSES.join(', ')}, not ${JSON.stringify(status)}`);
  }
  const sort = one(query, 'sort') ?? 'relevance';
  if (!(SEARCH_SORTS as readonly string[]).includes(sort)) {
    throw bad(`sort must be one of ${SEARCH_SORTS.join(', ')}, not ${JSON.stringify(sort)}`);
  }
  const limitText = one(query, 'limit');
  const limit = limitText === undefined ? DEFAULT_LIMIT : Number(limitText);
  if (!/^\d+$/.test(limitText ?? '1') || limit < 1 || limit > MAX_LIMIT) {
    throw bad(`limit must be a whole number from 1 to ${MAX_LIMIT}, not ${JSON.stringify(limitText)}`);
  }
  const from = time('from', one(query, 'from'), false);
  const to = time('to', one(query, 'to'), true);
  if (from !== undefined && to !== undefined && from > to) throw bad('from is after to');
  return {
    userId: who.id,
    ...(who.role === 'manager' && who.teams.length ? { teamIds: [...who.teams] } : {}),
    ...(who.role === 'admin' ? { everyone: true } : {}),
    text: q,
    status,
    tag: one(query, 'tag'),
    agent: one(query, 'agent'),
    callType: one(query, 'callType'),
    issueType: one(query, 'issueType'),
    from,
    to,
    sort: sort as SearchSort,
    cursor: one(query, 'cursor'),
    limit,
  };
}
