import { OfflineAnalyst } from '../offline-analyst';
import { aTranscript } from '../testing/transcript-builder';
import { ANALYSIS_CSV_COLUMNS, analysisCsv, csvField, toCsv } from './analysis-csv';

/** A small RFC 4180 reader, enough to read back what toCsv writes. */
function readCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += ch;
  }
  return rows;
}

describe('analysis CSV', () => {
  it('quotes what needs quoting and defuses spreadsheet formulas', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField(-0.25)).toBe('-0.25');
    expect(csvField(null)).toBe('');
    expect(readCsv(toCsv(['a', 'b'], [['x,y', 'line\nbreak']]))).toEqual([
      ['a', 'b'],
      ['x,y', 'line\nbreak'],
    ]);
  });

  it('has a call row and a row per speaker with talk ratio, questions, sentiment and issues', async () => {
    const transcript = aTranscript('csv')
      .turn('agent', 'hi this is laura from acme how can i help you today')
      .turn('customer', 'your product is too expensive and the dashboard keeps crashing')
      .turn('agent', 'i understand would a discount help')
      .build();
    const analysis = await new OfflineAnalyst().analyze(transcript);
    const rows = readCsv(analysisCsv(analysis));
    expect(rows[0]).toEqual([...ANALYSIS_CSV_COLUMNS]);
    const col = (name: (typeof ANALYSIS_CSV_COLUMNS)[number]) => ANALYSIS_CSV_COLUMNS.indexOf(name);
    const call = rows[1] as string[];
    expect(call[col('scope')]).toBe('call');
    expect(Number(call[col('issues')])).toBe(analysis.issues.length);
    expect(call[col('sentiment_label')]).toBe(analysis.sentiment.overall.label);
    const speakers = rows.slice(2);
    expect(speakers.map((r) => r[col('speaker')])).toEqual(analysis.metrics.speakers.map((s) => s.speaker));
    const ratios = speakers.map((r) => Number(r[col('talk_ratio')]));
    expect(ratios.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 2);
    const agent = speakers.find((r) => r[col('speaker')] === 'agent') as string[];
    expect(Number(agent[col('questions')])).toBe(
      analysis.metrics.speakers.find((s) => s.speaker === 'agent')?.questionsAsked,
    );
    expect(rows.every((r) => r.length === ANALYSIS_CSV_COLUMNS.length)).toBe(true);
  });
});
