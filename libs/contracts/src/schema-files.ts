import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** schemas/*.avsc: the events' source of truth, read by the codec and by scripts/gen-contracts.ts. */
export const SCHEMA_DIR = join(__dirname, '../../../schemas');

export function listSchemaFiles(dir = SCHEMA_DIR): { topic: string; version: number; file: string }[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.avsc'))
    .sort()
    .map((file) => {
      const m = /^(.+)\.v(\d+)\.avsc$/.exec(file);
      if (!m) throw new Error(`schema file name must be <topic>.v<N>.avsc: ${file}`);
      return { topic: m[1], version: Number(m[2]), file: join(dir, file) };
    });
}
