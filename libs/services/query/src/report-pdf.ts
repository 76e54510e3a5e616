import type { Readable } from 'node:stream';
import PDFDocument from 'pdfkit';
import type { Report, ReportField } from '@speech/analysis';

/**
 * The report (libs/analysis, buildReport) drawn as a PDF with pdfkit. The document is a
 * readable stream: the caller pipes it to the response. It is written as it is read: the
 * transcript goes in a few turns at a time, and only while the reader keeps up, so a long call
 * never sits whole in memory.
 */

/** Turns drawn between two looks at the reader. */
const TURNS_PER_STEP = 40;

const FONT = 'Helvetica';
const BOLD = 'Helvetica-Bold';
const OBLIQUE = 'Helvetica-Oblique';
const MUTED = '#57606a';
const INK = '#1b1f24';

/** Windows-1252's characters above Latin-1's control block, which the standard fonts also draw. */
const CP1252_EXTRA = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');

/**
 * Text the PDF's standard fonts can draw (they encode Windows-1252): anything else (another
 * script, an emoji) becomes `?` rather than the wrong letters.
 */
export function pdfText(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (c === 0x09 || c === 0x0a) out += ' ';
    else if ((c >= 0x20 && c < 0x7f) || (c >= 0xa0 && c <= 0xff) || CP1252_EXTRA.has(ch)) out += ch;
    else if (c >= 0x0300 && c <= 0x036f)
      continue; // a combining mark: its letter stays
    else out += '?';
  }
  return out;
}

export interface ReportPdfOptions {
  /** Turns per step (specs make it small). */
  turnsPerStep?: number;
}

/** The report as a PDF stream; it ends when the document is complete, or errors. */
export function reportPdf(report: Report, opts: ReportPdfOptions = {}): Readable {
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: 56, bottom: 56, left: 56, right: 56 },
    info: { Title: pdfText(report.title), Creator: 'speech-coach', Subject: 'Call report' },
    // Each page goes out when the next begins; nothing is kept for later.
    bufferPages: false,
  });

  // pdfkit (a Readable) pushes whatever it writes; the reader says it wants more through _read.
  const stream = doc as unknown as Readable;
  let wake: (() => void) | null = null;
  let closed = false;
  const wakeUp = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  stream._read = wakeUp;
  stream.once('close', () => {
    closed = true;
    wakeUp();
  });
  const room = (): Promise<void> =>
    closed || stream.readableLength < stream.readableHighWaterMark
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          wake = resolve;
        });

  draw(doc, report, opts.turnsPerStep ?? TURNS_PER_STEP, room, () => closed).catch((err: unknown) =>
    stream.destroy(err instanceof Error ? err : new Error(String(err))),
  );
  return stream;
}

async function draw(
  doc: PDFKit.PDFDocument,
  report: Report,
  turnsPerStep: number,
  room: () => Promise<void>,
  closed: () => boolean,
): Promise<void> {
  const width = () => doc.page.width - doc.page.margins.left - doc.page.margins.right;
  const left = () => doc.page.margins.left;

  const heading = (title: string) => {
    // A heading never ends a page alone.
    if (doc.y > doc.page.height - doc.page.margins.bottom - 80) doc.addPage();
    doc.moveDown(0.8);
    doc.font(BOLD).fontSize(13).fillColor(INK).text(pdfText(title), left(), doc.y, { width: width() });
    const y = doc.y + 2;
    doc
      .moveTo(left(), y)
      .lineTo(left() + width(), y)
      .lineWidth(0.5)
      .strokeColor('#d0d7de')
      .stroke();
    doc.moveDown(0.4);
    doc.font(FONT).fontSize(10).fillColor(INK);
  };
  const fields = (list: readonly ReportField[]) => {
    for (const f of list) {
      doc
        .font(BOLD)
        .fillColor(MUTED)
        .text(`${pdfText(f.label)}: `, left(), doc.y, { continued: true, width: width() })
        .font(FONT)
        .fillColor(INK)
        .text(pdfText(f.value));
    }
  };
  const none = (what: string) => doc.font(OBLIQUE).fillColor(MUTED).text(what).font(FONT).fillColor(INK);
  const gap = () => doc.moveDown(0.3);

  doc.font(BOLD).fontSize(18).fillColor(INK).text(pdfText(report.title), { width: width() });
  doc.moveDown(0.3);
  doc.fontSize(10);
  fields(report.details);

  heading('Summary');
  if (report.summary) doc.font(FONT).text(pdfText(report.summary), { width: width() });
  else none('No summary.');

  heading('Sentiment');
  fields(report.sentiment);

  heading('Issues and objections');
  if (!report.issues.length) none('No issues or objections found.');
  for (const i of report.issues) {
    doc
      .font(BOLD)
      .text(`${i.time}  ${pdfText(i.type)}, ${pdfText(i.speaker)}: `, { continued: true })
      .font(FONT)
      .text(`“${pdfText(i.quote)}”`);
    gap();
  }

  heading('Coaching');
  if (!report.coaching.length) none('No coaching recommendations.');
  for (const c of report.coaching) {
    doc
      .font(BOLD)
      .text(`${pdfText(c.title)}`, { continued: true })
      .font(FONT)
      .fillColor(MUTED)
      .text(`  ${pdfText(c.severity)}${c.time ? `, at ${c.time}` : ''}`)
      .fillColor(INK)
      .text(pdfText(c.recommendation));
    if (c.quote)
      doc
        .font(OBLIQUE)
        .text(`“${pdfText(c.quote)}”`)
        .font(FONT);
    if (c.basis) doc.fillColor(MUTED).text(pdfText(c.basis)).fillColor(INK);
    gap();
  }

  heading('Action items');
  if (!report.actionItems.length) none('No action items.');
  for (const a of report.actionItems) {
    const who = [a.owner, a.due].filter(Boolean).map((s) => pdfText(s as string));
    doc
      .font(BOLD)
      .text(`${a.time}  `, { continued: true })
      .font(FONT)
      .text(pdfText(a.text) + (who.length ? ` (${who.join(', ')})` : ''));
    gap();
  }

  heading('Quiz');
  if (!report.quiz.length) none('No quiz.');
  report.quiz.forEach((q, n) => {
    doc
      .font(BOLD)
      .text(`${n + 1}. ${pdfText(q.question)}`)
      .font(FONT);
    q.options.forEach((o, i) => {
      const mark = `${String.fromCharCode(97 + i)}) `;
      if (i === q.answerIndex)
        doc
          .font(BOLD)
          .text(`${mark}${pdfText(o)} (answer)`, { indent: 12 })
          .font(FONT);
      else doc.text(`${mark}${pdfText(o)}`, { indent: 12 });
    });
    doc.fillColor(MUTED).text(pdfText(q.explanation)).fillColor(INK);
    gap();
  });

  heading('Transcript');
  const lines = report.transcript;
  if (!lines) none('The transcript could not be read.');
  else if (!lines.length) none('The transcript is empty.');
  else {
    for (let i = 0; i < lines.length; i += turnsPerStep) {
      await room();
      if (closed()) return;
      for (const l of lines.slice(i, i + turnsPerStep)) {
        doc
          .font(BOLD)
          .fillColor(MUTED)
          .text(`${l.time}  `, left(), doc.y, { continued: true, width: width() })
          .fillColor(INK)
          .text(`${pdfText(l.speaker)}: `, { continued: true })
          .font(FONT)
          .text(pdfText(l.text));
        doc.moveDown(0.25);
      }
    }
  }

  doc.moveDown(1);
  doc.font(OBLIQUE).fontSize(8).fillColor(MUTED).text(pdfText(report.footer), left(), doc.y, { width: width() });
  doc.end();
}
