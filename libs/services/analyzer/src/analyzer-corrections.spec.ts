import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OfflineAnalyst, type AnalysisResult } from '@speech/analysis';
import { transcriptFromDialogue } from '@speech/analysis/testing';
import type { AnyEvent, Transcript } from '@speech/contracts';
import type { MessageContext } from '@speech/messaging';
import { SqliteDocumentStore } from '@speech/persistence';
import { silentLogger } from '@speech/platform';
import { FsObjectStore, getJson, putJson } from '@speech/storage';
import { anEvent } from '@speech/testing';
import { createAnalyzer } from './analyzer';

const ctx = { attempt: 1 } as MessageContext;

describe('analyzer: transcript corrections', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'analyzer-corrections-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function setup() {
    const store = new FsObjectStore(dir);
    const transcript = transcriptFromDialogue(
      ['A|Thanks for calling, how can I help?', 'C|The app works fine.', 'A|Great, anything else?'].join('\n'),
    );
    await putJson(store, 'audio/a1/transcript.json', { ...transcript, audioId: 'a1' });
    const seen: Transcript[] = [];
    const offline = new OfflineAnalyst();
    const analyst = {
      name: 'offline',
      analyze: (t: Transcript) => {
        seen.push(t);
        return offline.analyze(t, {});
      },
    };
    const published: AnyEvent[] = [];
    const bus = { publish: async (e: AnyEvent) => void published.push(e) } as never;
    const analyzer = await createAnalyzer({
      bus,
      store,
      docs: SqliteDocumentStore.inMemory(),
      log: silentLogger(),
      analyst,
      config: { maxAttempts: 1 },
    });
    const completed = () =>
      published.filter((e): e is AnyEvent & { type: 'analysis.completed' } => e.type === 'analysis.completed');
    await analyzer.onTranscript(
      anEvent('transcript.completed', 'a1', { transcriptKey: 'audio/a1/transcript.json' }, 1),
      ctx,
    );
    return { analyzer, seen, completed, store, transcript };
  }

  const correction = (revision: number, text: string) =>
    anEvent(
      'transcript.corrected',
      'a1',
      { revision, speakers: [{ label: 'agent', name: 'Dana Whitfield' }], segments: [{ index: 1, text }] },
      10 + revision,
    );

  it('analyses the corrected text, keeps the newest revision, and records it in the provenance', async () => {
    const { analyzer, seen, completed, store } = await setup();
    await analyzer.onCorrected(correction(2, 'I want to cancel my subscription today.'), ctx);
    await analyzer.onCorrected(correction(1, 'an older edit'), ctx); // late: ignored
    await analyzer.onRequested(
      anEvent('analysis.requested', 'a1', {
        analysisId: 'an1',
        optionsJson: JSON.stringify({ correctionRevision: 2 }),
      }),
      ctx,
    );
    expect(seen).toHaveLength(1);
    expect(seen[0]?.segments[1]?.text).toBe('I want to cancel my subscription today.');
    expect(seen[0]?.speakerNames).toEqual({ agent: 'Dana Whitfield' });
    const done = completed()[0];
    expect(done?.payload.analysisId).toBe('an1');
    const stored = await getJson<AnalysisResult>(store, done?.payload.analysisKey ?? '');
    expect(stored.provenance?.corrections).toEqual({ revision: 2, speakerNames: { agent: 'Dana Whitfield' } });
  });

  it('waits for the revision the request was made after, then runs when it arrives', async () => {
    const { analyzer, seen, completed } = await setup();
    await analyzer.onRequested(
      anEvent('analysis.requested', 'a1', {
        analysisId: 'an2',
        optionsJson: JSON.stringify({ correctionRevision: 1 }),
      }),
      ctx,
    );
    expect(seen).toHaveLength(0);
    await analyzer.onCorrected(correction(1, 'Everything is fine now.'), ctx);
    expect(seen.map((t) => t.segments[1]?.text)).toEqual(['Everything is fine now.']);
    expect(completed().map((e) => e.payload.analysisId)).toEqual(['an2']);
  });

  it('removes the corrections with the recording', async () => {
    const { analyzer, seen, transcript } = await setup();
    await analyzer.onCorrected(correction(1, 'edited'), ctx);
    await analyzer.purge('a1');
    await analyzer.onTranscript(
      anEvent('transcript.completed', 'a1', { transcriptKey: 'audio/a1/transcript.json' }, 1),
      ctx,
    );
    await analyzer.onRequested(anEvent('analysis.requested', 'a1', { analysisId: 'an3', optionsJson: null }), ctx);
    expect(seen[0]?.segments[1]?.text).toBe(transcript.segments[1]?.text);
    expect(seen[0]?.correctionRevision).toBeUndefined();
  });
});
