import { readFileSync } from 'node:fs';
import * as avro from 'avsc';
import { ALL_TOPICS, anEvent } from '@speech/testing';
import { AvroCodec } from './avro-codec';
import { SCHEMA_VERSIONS } from './generated/events.generated';
import { listSchemaFiles } from './schema-files';
import { TOPIC_NAMES } from './topics';

describe('event contracts', () => {
  const codec = new AvroCodec();

  it('has exactly one schema per topic in the catalogue', () => {
    const topics = new Set(listSchemaFiles().map((s) => s.topic));
    expect([...topics].sort()).toEqual([...TOPIC_NAMES].sort());
    expect([...ALL_TOPICS].sort()).toEqual([...TOPIC_NAMES].sort());
  });

  it.each(TOPIC_NAMES)('round-trips a %s event through Avro with its envelope', (topic) => {
    const event = anEvent(topic, 'audio-1');
    const decoded = codec.decode(topic, codec.encode(event));
    expect(JSON.parse(JSON.stringify(decoded))).toEqual(JSON.parse(JSON.stringify(event)));
    expect(decoded.causationId).toBeNull();
    expect(decoded.version).toBe(SCHEMA_VERSIONS[topic]);
  });

  it('reads a message written with an older version of its schema into the current shape (an upgrade’s backlog)', () => {
    const v1 = listSchemaFiles().find((s) => s.topic === 'analysis.completed' && s.version === 1);
    expect(v1).toBeDefined();
    const old = avro.Type.forSchema(JSON.parse(readFileSync(v1!.file, 'utf8')) as avro.Schema);
    const event = anEvent('analysis.completed', 'audio-1');
    const {
      userId,
      callType,
      overallSentiment,
      closingSentiment,
      issueTypes,
      agentTalkRatio,
      analysisPath,
      ...v1Payload
    } = event.payload;
    void [userId, callType, overallSentiment, closingSentiment, issueTypes, agentTalkRatio, analysisPath];
    const buf = old.toBuffer({ ...event, version: 1, payload: v1Payload });
    const decoded = codec.decode('analysis.completed', buf);
    expect(decoded.version).toBe(1);
    expect(decoded.payload).toEqual({
      ...v1Payload,
      userId: null,
      callType: null,
      overallSentiment: null,
      closingSentiment: null,
      issueTypes: [],
      agentTalkRatio: null,
      analysisPath: null,
    });
  });

  it('reads an audio.uploaded v1 (before duplicateOf) as v2 with duplicateOf null (BACKWARD)', () => {
    const v1 = listSchemaFiles().find((s) => s.topic === 'audio.uploaded' && s.version === 1);
    expect(v1).toBeDefined();
    const old = avro.Type.forSchema(JSON.parse(readFileSync(v1!.file, 'utf8')) as avro.Schema);
    const event = anEvent('audio.uploaded', 'audio-2', { duplicateOf: 'audio-1' });
    const { duplicateOf, ...v1Payload } = event.payload;
    void duplicateOf;
    const decoded = codec.decode('audio.uploaded', old.toBuffer({ ...event, version: 1, payload: v1Payload }));
    expect(decoded.version).toBe(1);
    expect(decoded.payload).toEqual({ ...v1Payload, duplicateOf: null });
    // The current version (v2 or later) carries it.
    const current = codec.decode('audio.uploaded', codec.encode(event));
    expect(current.version).toBeGreaterThanOrEqual(2);
    expect(current.payload.duplicateOf).toBe('audio-1');
  });

  it.each([
    ['audio.uploaded', 2],
    ['recording.changed', 2],
    ['analysis.requested', 1],
    ['analysis.completed', 2],
  ] as const)('reads a %s v%d (before teams) as the current version with teamIds [] (BACKWARD)', (topic, before) => {
    const older = listSchemaFiles().find((s) => s.topic === topic && s.version === before);
    expect(older).toBeDefined();
    const old = avro.Type.forSchema(JSON.parse(readFileSync(older!.file, 'utf8')) as avro.Schema);
    const event = anEvent(topic, 'audio-3', { teamIds: ['red', 'blue'] });
    const { teamIds, ...oldPayload } = event.payload;
    void teamIds;
    const decoded = codec.decode(topic, old.toBuffer({ ...event, version: before, payload: oldPayload }));
    expect(decoded.version).toBe(before);
    expect(decoded.payload).toEqual({ ...oldPayload, teamIds: [] });
    const current = codec.decode(topic, codec.encode(event));
    expect([current.version, current.payload.teamIds]).toEqual([before + 1, ['red', 'blue']]);
  });

  it('refuses to encode an event that does not match its schema', () => {
    const bad = anEvent('audio.chunked', 'a', { chunkCount: 'two' as unknown as number });
    expect(() => codec.encode(bad)).toThrow(/payload.chunkCount/);
  });

  it('reports an undecodable message as a non-retriable contract error', () => {
    expect(() => codec.decode('audio.uploaded', Buffer.from('garbage'))).toThrow(
      expect.objectContaining({ code: 'CONTRACT.UNDECODABLE', retriable: false }),
    );
  });

  it('rejects a message of another topic', () => {
    const buf = codec.encode(anEvent('audio.chunking.failed', 'a'));
    expect(() => codec.decode('analysis.failed', buf)).toThrow(
      expect.objectContaining({ code: 'CONTRACT.UNDECODABLE' }),
    );
  });
});
