import { ALL_TOPICS, anEvent } from '@speech/testing';
import { AvroCodec } from './avro-codec';
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
    expect(decoded.version).toBe(1);
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
