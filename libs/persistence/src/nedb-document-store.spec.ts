import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { documentStoreContract } from './document-store.contract';
import { NedbDocumentStore } from './nedb-document-store';

documentStoreContract('embedded (NeDB, in memory)', async () => new NedbDocumentStore(null));

describe('NedbDocumentStore on disk', () => {
  it('keeps documents across a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nedb-'));
    try {
      const a = new NedbDocumentStore(dir);
      await a.collection<{ _id: string; n: number }>('things').insert({ _id: 'x', n: 1 });
      await a.collection<{ _id: string; n: number }>('things').update({ _id: 'x' }, { $inc: { n: 1 } });
      await a.close();
      const b = new NedbDocumentStore(dir);
      expect(await b.collection<{ _id: string; n: number }>('things').get('x')).toEqual({ _id: 'x', n: 2 });
      await b.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
