import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '@speech/harness';
import { generateEventTypes } from './gen-contracts';

describe('generated event types', () => {
  it('match schemas/*.avsc (run `npm run gen:contracts` after editing a schema)', () => {
    const committed = readFileSync(join(ROOT, 'libs/contracts/src/generated/events.generated.ts'), 'utf8');
    expect(committed).toBe(generateEventTypes());
  });
});
