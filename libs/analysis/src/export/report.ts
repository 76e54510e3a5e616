import type { Segment, Transcript } from '@speech/contracts';
import { escapeHtml, isOneOf, keysOf } from '@speech/kernel';
import { clockTime, speakerName as nameOf } from '@speech/transcript';
import type { AnalysisResult } from '../analysis.schema';

/**
 * The analysis as a printable report: a recording's details, its analysis and its transcript,
 * first as a plain model of formatted text (`buildReport`), then as a self-contained HTML page
 * (`reportHtml`). Pure; the query service sends it, and draws the same model as a PDF.
 */

/** The report's formats, each with its content type. */
export const REPORT_CONTENT_TYPES = { html: 'text/html; charset=utf-8', pdf: 'application/pdf' } as const;
export type ReportFormat = keyof typeof REPORT_CONTENT_TYPES;
export const REPORT_FORMATS = keysOf(REPORT_CONTENT_TYPES);
export const isReportFormat = (s: unknown): s is ReportFormat => isOneOf(REPORT_FORMATS, s);

/** What the report says about the recording (the read model's document and its details). */
export interface ReportRecording {
  /** The owner's title, else the file name. */
  title: string;
  filename: string;
  /** Upload time, ms since the epoch. */
  createdAt: number | null;
  durationMs: number | null;
  agent?: string | null;
  customer?: string | null;
  tags?: readonly string[];
}

export interface ReportInput {
  recording: ReportRecording;
  analysis: AnalysisResult;
  /** Null when the transcript is gone or not readable: the report says so. */
  transcript: Pick<Transcript, 'segments' | 'speakerNames'> | null;
  /** Which analysis version this is, if known. */
  analysisId?: string | null;
  /** When the report was made (ms since the epoch); the footer shows it. */
  generatedAt?: number;
}

export interface ReportField {
  label: string;
  value: string;
}
export interface ReportIssue {
  time: string;
  type: string;
  speaker: string;
  quote: string;
}
export interface ReportCoaching {
  title: string;
  severity: string;
  recommendation: string;
  /** The metric or benchmark it rests on, as a sentence; null without one. */
  basis: string | null;
  time: string | null;
  quote: string | null;
}
export interface ReportActionItem {
  time: string;
  text: string;
  owner: string | null;
  due: string | null;
}
export interface ReportQuizQuestion {
  question: string;
  options: string[];
  answerIndex: number;
  explanation: string;
  time: string | null;
}
export interface ReportLine {
  time: string;
  speaker: string;
  text: string;
}

/** Every value of the report as it is printed: times as mm:ss, speakers by name. */
export interface Report {
  title: string;
  details: ReportField[];
  summary: string;
  sentiment: ReportField[];
  issues: ReportIssue[];
  coaching: ReportCoaching[];
  actionItems: ReportActionItem[];
  quiz: ReportQuizQuestion[];
  /** Null: no transcript could be read. */
  transcript: ReportLine[] | null;
  footer: string;
}

/** `2024-05-01 14:03 UTC`: the same in every time zone and locale. */
export function reportDate(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** `churn-threat` → `Churn threat`. */
export function humanize(s: string): string {
  const t = s.replace(/[-_]+/g, ' ').trim();
  return t.charAt(0).toUpperCase() + t.slice(1);
}

function sentimentText(s: { label: string; score: number }): string {
  const score = Math.round(s.score * 100) / 100;
  return `${humanize(s.label)} (${score > 0 ? '+' : ''}${score})`;
}

function basisText(b: AnalysisResult['coaching'][number]['basis']): string | null {
  const parts: string[] = [];
  if (b.metric) parts.push(b.value === null ? humanize(b.metric) : `${humanize(b.metric)}: ${b.value}`);
  if (b.benchmark) parts.push(b.benchmarkValue === null ? b.benchmark : `${b.benchmark} (${b.benchmarkValue})`);
  return parts.length ? parts.join(' · ') : null;
}

/** One line of text: no control characters, runs of white space as one space. */
function oneLine(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f\s]+/g, ' ').trim();
}

/** The report's model: every value formatted, in the order it is printed. */
export function buildReport(input: ReportInput): Report {
  const { recording: r, analysis: a } = input;
  // The owner's names for the speakers (transcript corrections): the transcript's current ones,
  // else those the analysis was made with.
  const names = { ...a.provenance?.corrections?.speakerNames, ...input.transcript?.speakerNames };
  const speakerName = (label: string) => nameOf(label, names);
  const details: ReportField[] = [];
  if (r.title !== r.filename) details.push({ label: 'File', value: r.filename });
  if (r.createdAt !== null) details.push({ label: 'Date', value: reportDate(r.createdAt) });
  const duration = r.durationMs ?? a.metrics.durationMs;
  if (duration) details.push({ label: 'Duration', value: clockTime(duration) });
  if (r.agent) details.push({ label: 'Agent', value: r.agent });
  if (r.customer) details.push({ label: 'Customer', value: r.customer });
  if (r.tags?.length) details.push({ label: 'Tags', value: r.tags.join(', ') });
  details.push({ label: 'Call type', value: humanize(a.callType) + (a.callKind ? ` (${humanize(a.callKind)})` : '') });
  details.push({ label: 'Analyst', value: a.analyst + (a.provenance?.model ? ` (${a.provenance.model})` : '') });

  const sentiment: ReportField[] = [{ label: 'Overall', value: sentimentText(a.sentiment.overall) }];
  const close = a.sentiment.closing;
  if (close) {
    const at = close.atMs === null ? '' : ` at ${clockTime(close.atMs)}`;
    sentiment.push({ label: `Close (${speakerName(close.speaker)})`, value: sentimentText(close) + at });
  }
  for (const s of a.sentiment.bySpeaker) {
    sentiment.push({ label: speakerName(s.speaker), value: sentimentText(s) });
  }

  const segments: Segment[] | null = input.transcript
    ? [...input.transcript.segments].sort((x, y) => x.startMs - y.startMs || x.endMs - y.endMs)
    : null;
  const generated = input.generatedAt === undefined ? '' : ` on ${reportDate(input.generatedAt)}`;
  const version = input.analysisId ? `, analysis ${input.analysisId}` : '';
  return {
    title: r.title,
    details,
    summary: a.summary.trim(),
    sentiment,
    issues: [...a.issues]
      .sort((x, y) => x.startMs - y.startMs)
      .map((i) => ({
        time: clockTime(i.startMs),
        type: humanize(i.type),
        speaker: speakerName(i.speaker),
        quote: oneLine(i.quote),
      })),
    coaching: a.coaching.map((c) => ({
      title: c.title,
      severity: humanize(c.severity),
      recommendation: c.recommendation,
      basis: basisText(c.basis),
      time: c.basis.atMs === null ? null : clockTime(c.basis.atMs),
      quote: c.basis.quote ? oneLine(c.basis.quote) : null,
    })),
    actionItems: [...a.actionItems]
      .sort((x, y) => x.atMs - y.atMs)
      .map((i) => ({
        time: clockTime(i.atMs),
        text: i.text,
        owner: i.owner ? speakerName(i.owner) : null,
        due: i.dueText,
      })),
    quiz: a.quiz.map((q) => ({
      question: q.question,
      options: [...q.options],
      answerIndex: q.answerIndex,
      explanation: q.explanation,
      time: q.atMs === null ? null : clockTime(q.atMs),
    })),
    transcript: segments
      ? segments
          .filter((s) => s.text.trim())
          .map((s) => ({ time: clockTime(s.startMs), speaker: speakerName(s.speaker), text: oneLine(s.text) }))
      : null,
    footer: `Speech coach report${version}${generated}.`,
  };
}

export { escapeHtml };

const e = escapeHtml;

const CSS = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 52rem; padding: 2rem 1.5rem; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: #1b1f24; background: #fff; }
h1 { font-size: 1.6rem; margin: 0 0 .5rem; }
h2 { font-size: 1.15rem; margin: 1.75rem 0 .5rem; padding-bottom: .25rem; border-bottom: 1px solid #d0d7de; }
dl.fields { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: 0; }
dl.fields dt { color: #57606a; }
dl.fields dd { margin: 0; }
table { width: 100%; border-collapse: collapse; }
th, td { text-align: left; vertical-align: top; padding: .3rem .5rem; border-bottom: 1px solid #eaeef2; }
th { color: #57606a; font-weight: 600; }
.time { font-variant-numeric: tabular-nums; white-space: nowrap; color: #57606a; }
.speaker { font-weight: 600; white-space: nowrap; }
blockquote { margin: .25rem 0; padding-left: .75rem; border-left: 3px solid #d0d7de; color: #32383f; }
.coaching li, .quiz li { margin-bottom: .75rem; }
.severity { font-size: .8rem; text-transform: uppercase; letter-spacing: .03em; color: #57606a; }
.answer { font-weight: 600; }
.muted, footer { color: #57606a; }
footer { margin-top: 2rem; font-size: .85rem; }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  h2 { break-after: avoid; }
  tr, li, blockquote { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
  @page { margin: 18mm 15mm; }
}
`.trim();

function fields(list: readonly ReportField[]): string {
  return `<dl class="fields">${list.map((f) => `<dt>${e(f.label)}</dt><dd>${e(f.value)}</dd>`).join('')}</dl>\n`;
}

function section(id: string, title: string, body: string): string {
  return `<section id="${id}"><h2>${e(title)}</h2>\n${body}</section>\n`;
}

const none = (what: string) => `<p class="muted">${e(what)}</p>\n`;

/** A section of a list: its body from the items, or a line saying there are none. */
function listing<T>(
  items: readonly T[],
  id: string,
  title: string,
  empty: string,
  body: (items: readonly T[]) => string,
): string {
  return section(id, title, items.length ? body(items) : none(empty));
}

/** A table: its header cells, then a row of cells (HTML) a line. */
function table(head: readonly string[], rows: readonly string[][]): string {
  const th = head.map((h) => `<th>${e(h)}</th>`).join('');
  return `<table><thead><tr>${th}</tr></thead><tbody>\n${rows.map((r) => `<tr>${r.join('')}</tr>\n`).join('')}</tbody></table>\n`;
}

/** An ordered list of the given class, of items (HTML, each a line). */
const ol = (cls: string, items: readonly string[]): string => `<ol class="${cls}">\n${items.join('')}</ol>\n`;

/** A cell of escaped text, with a class when given. */
const td = (text: string, cls?: string): string => (cls ? `<td class="${cls}">${e(text)}</td>` : `<td>${e(text)}</td>`);

/**
 * The report as a self-contained HTML page, in parts (the transcript a few turns at a time),
 * so a long one can be written out as it is made. Every value is escaped.
 */
export function* reportHtmlParts(report: Report): Generator<string> {
  yield `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(report.title)}: call report</title>
<style>
${CSS}
</style>
</head>
<body>
<header><h1>${e(report.title)}</h1>
${fields(report.details)}</header>
`;
  yield section('summary', 'Summary', report.summary ? `<p>${e(report.summary)}</p>\n` : none('No summary.'));
  yield section('sentiment', 'Sentiment', fields(report.sentiment));
  yield listing(report.issues, 'issues', 'Issues and objections', 'No issues or objections found.', (items) =>
    table(
      ['Time', 'Type', 'Speaker', 'Quote'],
      items.map((i) => [td(i.time, 'time'), td(i.type), td(i.speaker, 'speaker'), `<td><q>${e(i.quote)}</q></td>`]),
    ),
  );
  yield listing(report.coaching, 'coaching', 'Coaching', 'No coaching recommendations.', (items) =>
    ol(
      'coaching',
      items.map(
        (c) =>
          `<li><span class="severity">${e(c.severity)}</span> <strong>${e(c.title)}</strong>` +
          (c.time ? ` <span class="time">${e(c.time)}</span>` : '') +
          `<br>${e(c.recommendation)}` +
          (c.quote ? `<blockquote>${e(c.quote)}</blockquote>` : '') +
          (c.basis ? `<div class="muted">${e(c.basis)}</div>` : '') +
          '</li>\n',
      ),
    ),
  );
  yield listing(report.actionItems, 'action-items', 'Action items', 'No action items.', (items) =>
    table(
      ['Time', 'Action', 'Owner', 'Due'],
      items.map((i) => [td(i.time, 'time'), td(i.text), td(i.owner ?? ''), td(i.due ?? '')]),
    ),
  );
  yield listing(report.quiz, 'quiz', 'Quiz', 'No quiz.', (items) =>
    ol(
      'quiz',
      items.map(
        (q) =>
          `<li><strong>${e(q.question)}</strong>` +
          (q.time ? ` <span class="time">${e(q.time)}</span>` : '') +
          `<ol type="a">${q.options
            .map((o, i) => (i === q.answerIndex ? `<li class="answer">${e(o)} ✓</li>` : `<li>${e(o)}</li>`))
            .join('')}</ol><div class="muted">${e(q.explanation)}</div></li>\n`,
      ),
    ),
  );
  yield '<section id="transcript"><h2>Transcript</h2>\n';
  if (!report.transcript) {
    yield none('The transcript could not be read.');
  } else if (!report.transcript.length) {
    yield none('The transcript is empty.');
  } else {
    yield '<table><tbody>\n';
    const lines = report.transcript;
    for (let i = 0; i < lines.length; i += 200) {
      yield lines
        .slice(i, i + 200)
        .map(
          (l) =>
            `<tr><td class="time">${e(l.time)}</td><td class="speaker">${e(l.speaker)}</td><td>${e(l.text)}</td></tr>\n`,
        )
        .join('');
    }
    yield '</tbody></table>\n';
  }
  yield `</section>\n<footer>${e(report.footer)}</footer>\n</body>\n</html>\n`;
}

/** The whole page as one string. */
export function reportHtml(report: Report): string {
  return [...reportHtmlParts(report)].join('');
}
