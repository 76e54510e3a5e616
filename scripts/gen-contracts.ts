import { readFileSync } from 'node:fs';
import { listSchemaFiles, SCHEMA_DIR } from '@speech/contracts';

/**
 * Generates the TypeScript event types from schemas/*.avsc, so the Avro files stay
 * the single source of truth (docs/ARCHITECTURE.md, "Events").
 * `npm run gen:contracts` writes the output; scripts/gen-contracts.spec.ts fails when it is stale.
 */
type AvroType =
  string | AvroType[] | { type: string; items?: AvroType; fields?: AvroField[]; name?: string; logicalType?: string };
interface AvroField {
  name: string;
  type: AvroType;
  default?: unknown;
  doc?: string;
}
interface AvroRecord {
  name: string;
  doc?: string;
  fields: AvroField[];
}

function tsType(t: AvroType): string {
  if (Array.isArray(t)) return t.map(tsType).join(' | ');
  if (typeof t === 'string') {
    switch (t) {
      case 'null':
        return 'null';
      case 'string':
        return 'string';
      case 'boolean':
        return 'boolean';
      case 'int':
      case 'long':
      case 'float':
      case 'double':
        return 'number';
      default:
        throw new Error(`unsupported avro type ${t}`);
    }
  }
  if (t.type === 'array' && t.items) return `${tsType(t.items)}[]`;
  // A nested record: an inline object type (its name is the Avro schema's, not a TS one).
  if (t.type === 'record' && t.fields) return `{ ${t.fields.map((f) => `${f.name}: ${tsType(f.type)}`).join('; ')} }`;
  if (t.logicalType === 'timestamp-millis') return 'number';
  return tsType(t.type);
}

export function generateEventTypes(dir = SCHEMA_DIR): string {
  const latest = new Map<string, { version: number; file: string }>();
  for (const s of listSchemaFiles(dir)) {
    const cur = latest.get(s.topic);
    if (!cur || cur.version < s.version) latest.set(s.topic, s);
  }
  const out: string[] = ['// Generated from schemas/*.avsc by `npm run gen:contracts`. Do not edit.', ''];
  const mapLines: string[] = [];
  const versionLines: string[] = [];
  for (const [topic, { version, file }] of [...latest].sort()) {
    const rec = JSON.parse(readFileSync(file, 'utf8')) as AvroRecord;
    const payload = rec.fields.find((f) => f.name === 'payload');
    if (!payload || typeof payload.type !== 'object' || Array.isArray(payload.type) || !payload.type.fields) {
      throw new Error(`${file}: needs a record field "payload"`);
    }
    const iface = `${rec.name}Payload`;
    out.push(`/** ${topic} v${version}: ${rec.doc ?? ''} */`);
    out.push(`export interface ${iface} {`);
    for (const f of payload.type.fields) out.push(`  ${f.name}: ${tsType(f.type)};`);
    out.push('}', '');
    mapLines.push(`  '${topic}': ${iface};`);
    versionLines.push(`  '${topic}': ${version},`);
  }
  out.push('export interface PayloadMap {', ...mapLines, '}', '');
  out.push('export const SCHEMA_VERSIONS = {', ...versionLines, '} as const;', '');
  return out.join('\n');
}

if (require.main === module) {
  process.stdout.write(generateEventTypes());
}
