import { randomUUID } from 'node:crypto';
import { testStackEnv } from '@speech/harness';
import { documentStoreContract } from './document-store.contract';
import { MongoDocumentStore } from './mongo-document-store';

// The same contract suite as the embedded store, on a MongoDB-wire server (FerretDB here).
documentStoreContract('MongoDB wire protocol', () =>
  MongoDocumentStore.connect(testStackEnv().MONGODB_URL, `contract-${randomUUID()}`),
);
