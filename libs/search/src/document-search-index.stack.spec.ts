import { randomUUID } from 'node:crypto';
import { testStackEnv } from '@speech/harness';
import { MongoDocumentStore } from '@speech/persistence';
import { DocumentSearchIndex } from './document-search-index';
import { searchIndexContract } from './search-index.contract';

// The same contract suite as the SQLite FTS5 index, on the stack's MongoDB-wire server (FerretDB).
searchIndexContract('postings on the MongoDB wire protocol', async () => {
  const docs = await MongoDocumentStore.connect(testStackEnv().MONGODB_URL, `search-contract-${randomUUID()}`);
  return { index: new DocumentSearchIndex(docs), close: () => docs.close() };
});
