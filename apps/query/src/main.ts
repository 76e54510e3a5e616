import { defineQuery } from '@speech/query';
import { runService } from '@speech/runtime';
import { DocumentSearchIndex } from '@speech/search';

// Replicas share the read model; each tells its own live clients through the bus. Search uses
// term postings in the service's MongoDB-wire database (FerretDB has no text index).
runService('query', ({ infra, access }) => defineQuery(infra, access(), 'bus', new DocumentSearchIndex(infra.docs)));
