import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AvroSchemaParser } from '@asyncapi/avro-schema-parser';
import { Parser } from '@asyncapi/parser';
import { ROOT } from '@speech/harness';
import { asyncApiText, PUBLIC_TOPICS } from './gen-asyncapi';

describe('docs/asyncapi.json', () => {
  const committed = readFileSync(join(ROOT, 'docs/asyncapi.json'), 'utf8');

  it('matches the topic catalogue and schemas/*.avsc (run `npm run gen:contracts` after editing a schema)', () => {
    expect(committed).toBe(asyncApiText());
  });

  it('is a valid AsyncAPI 3 document whose Avro payloads parse, one channel per public topic', async () => {
    const parser = new Parser();
    parser.registerSchemaParser(AvroSchemaParser());
    const { document, diagnostics } = await parser.parse(committed);
    // severity 0 = error: the document is refused with any of them.
    expect(diagnostics.filter((d) => d.severity === 0).map((d) => `${d.path.join('.')}: ${d.message}`)).toEqual([]);
    expect(document).toBeDefined();
    const addresses = document!
      .channels()
      .all()
      .map((c) => c.address());
    expect(addresses.sort()).toEqual([...PUBLIC_TOPICS].sort());
    const completed = document!
      .channels()
      .all()
      .find((c) => c.address() === 'analysis.completed');
    const payload = completed!.messages().all()[0]!.payload();
    // The Avro record, converted by the parser: the v2 fields a consumer reacts to are there.
    const fields = Object.keys((payload?.properties()?.payload?.properties() ?? {}) as object);
    expect(fields).toEqual(
      expect.arrayContaining(['analysisId', 'userId', 'closingSentiment', 'issueTypes', 'analysisPath']),
    );
  });
});
