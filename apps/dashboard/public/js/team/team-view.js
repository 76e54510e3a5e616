// @ts-check
/**
 * The Team tab: GET /team/agents as a table, one row per agent, each figure beside the team's
 * mean and a small weekly trend. Shown to managers and admins; for an agent the server answers
 * 403 and the tab stays hidden.
 */
import { bindToggle, h } from '../dom.js';
import { clock, percent, plural, signed } from '../format.js';
import { trendPlot } from './trend-plot.js';

/**
 * @typedef {{ calls: number, talkRatio: number | null, questionsAsked: number | null,
 *   longestMonologueMs: number | null, objectionsRaised: number, objectionsHandled: number,
 *   handledShare: number | null, closingSentiment: number | null }} FigureAverages
 * @typedef {FigureAverages & { week: string }} WeekFigures
 * @typedef {{ agentId: string, overall: FigureAverages, weekly: WeekFigures[] }} AgentFigures
 * @typedef {{ teams: string[] | null, truncated: boolean, weeks: string[], agents: AgentFigures[],
 *   team: { overall: FigureAverages, weekly: WeekFigures[] } }} TeamView
 * @typedef {{ status: number }} HasStatus
 */

/** @type {{ key: 'talkRatio' | 'questionsAsked' | 'longestMonologueMs' | 'handledShare' | 'closingSentiment', label: string, show: (v: number | null) => string }[]} */
export const COLUMNS = [
  { key: 'talkRatio', label: 'Talk ratio', show: percent },
  { key: 'questionsAsked', label: 'Questions', show: (v) => (v === null ? '—' : v.toFixed(1)) },
  { key: 'longestMonologueMs', label: 'Longest monologue', show: clock },
  { key: 'handledShare', label: 'Objections handled', show: percent },
  { key: 'closingSentiment', label: 'Sentiment at close', show: signed },
];

/**
 * One figure cell: the agent's value, the team's under it, and the weekly trend.
 * @param {AgentFigures} agent
 * @param {TeamView} view
 * @param {(typeof COLUMNS)[number]} col
 */
function figureCell(agent, view, col) {
  const value = agent.overall[col.key];
  const extra =
    col.key === 'handledShare' ? ` (${agent.overall.objectionsHandled} of ${agent.overall.objectionsRaised})` : '';
  return h(
    'td',
    null,
    h('span', { class: 'team-value' }, `${col.show(value)}${extra}`),
    h('span', { class: 'team-avg muted' }, `team ${col.show(view.team.overall[col.key])}`),
    trendPlot(
      agent.weekly.map((w) => w[col.key]),
      view.team.weekly.map((w) => w[col.key]),
      `${col.label} of ${agent.agentId} per week, against the team`,
    ),
  );
}

/**
 * The table of a team view.
 * @param {TeamView} view
 * @returns {HTMLElement}
 */
export function renderTeamView(view) {
  if (!view.agents.length) return h('p', { class: 'empty muted' }, 'No analysed calls of your teams in these weeks.');
  const head = h(
    'tr',
    null,
    h('th', { scope: 'col' }, 'Agent'),
    h('th', { scope: 'col' }, 'Calls'),
    ...COLUMNS.map((c) => h('th', { scope: 'col' }, c.label)),
  );
  const rows = view.agents.map((a) =>
    h(
      'tr',
      null,
      h('th', { scope: 'row' }, a.agentId),
      h('td', null, String(a.overall.calls)),
      ...COLUMNS.map((c) => figureCell(a, view, c)),
    ),
  );
  const teams = view.teams === null ? 'every team' : view.teams.join(', ');
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'team-table' },
      h('caption', null, `${teams}: ${plural(view.team.overall.calls, 'call')}, weeks from ${view.weeks[0] ?? ''}`),
      h('thead', null, head),
      h('tbody', null, ...rows),
    ),
    view.truncated ? h('p', { class: 'muted' }, 'Only the newest calls are counted.') : null,
  );
}

/**
 * @param {{ section: HTMLElement, body: HTMLElement, weeks: HTMLSelectElement, toggle: HTMLButtonElement }} els
 * @param {{ teamAgents: (weeks: number) => Promise<TeamView> }} api
 */
export function createTeamView(els, api) {
  let generation = 0;
  async function load() {
    const mine = ++generation;
    els.body.setAttribute('aria-busy', 'true');
    try {
      const view = await api.teamAgents(Number(els.weeks.value) || 8);
      if (mine !== generation) return;
      els.toggle.hidden = false;
      els.body.replaceChildren(renderTeamView(view));
    } catch (err) {
      if (mine !== generation) return;
      const status = /** @type {HasStatus} */ (err).status;
      // An agent's token: no team view, no tab.
      if (status === 403) {
        els.toggle.hidden = true;
        els.section.hidden = true;
        return;
      }
      els.body.replaceChildren(h('p', { class: 'muted' }, `The team view could not be loaded (${String(err)}).`));
    } finally {
      if (mine === generation) els.body.setAttribute('aria-busy', 'false');
    }
  }
  bindToggle(els.toggle, els.section, () => void load());
  els.weeks.addEventListener('change', () => void load());
  return {
    load,
    clear() {
      generation++;
      els.toggle.hidden = true;
      els.section.hidden = true;
      els.body.replaceChildren();
    },
  };
}
