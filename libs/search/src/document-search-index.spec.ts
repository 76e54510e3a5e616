import { SqliteDocumentStore } from '@speech/persistence';
import { DocumentSearchIndex } from './document-search-index';
import { searchIndexContract } from './search-index.contract';

// The distributed mode's adapter on the embedded DocumentStore: the same port the MongoDB store
// implements (document-search-index.stack.spec.ts runs this suite on the MongoDB-wire database).
searchIndexContract('postings on a DocumentStore (SQLite)', async () => {
  const docs = SqliteDocumentStore.inMemory();
  return { index: new DocumentSearchIndex(docs), close: () => docs.close() };
});
