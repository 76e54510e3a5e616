import { join } from 'node:path';

/** The repository's root: where the harness finds the apps it starts, fixtures and the stack scripts. */
export const ROOT = join(__dirname, '../../..');
