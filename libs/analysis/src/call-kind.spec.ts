import type { Transcript } from '@speech/contracts';
import { OfflineAnalyst } from './offline-analyst';
import { aTranscript } from './testing/transcript-builder';

const kindOf = async (t: Transcript): Promise<string | undefined> => (await new OfflineAnalyst().analyze(t)).callKind;

describe('call kind', () => {
  it('reads an offer to book a demo as discovery, not a demo', async () => {
    const t = aTranscript()
      .turn('agent', 'How do you plan routes today, and who decides on a tool like this?')
      .turn('customer', 'Spreadsheets, and Raj decides. We looked at another tool last year.')
      .turn('agent', 'Could we book a live demo for you and Raj next Wednesday?')
      .turn('customer', 'Sure, set up a demo.')
      .build();
    expect(await kindOf(t)).toBe('discovery');
  });

  it('reads a check-in with a happy customer as positive', async () => {
    const t = aTranscript()
      .turn('agent', 'Hi Dana, just checking in to see how the first month has gone.')
      .turn('customer', 'Honestly, it has been great. The team loves it.')
      .turn('agent', 'Wonderful, thank you.')
      .build();
    expect(await kindOf(t)).toBe('positive');
  });

  it('reads a cold open met with "we are covered" as a cold call', async () => {
    const t = aTranscript()
      .turn('agent', "Hi, this is Sam from Lineworks. The reason I'm calling is your phone contract.")
      .turn('customer', "We're covered, thanks. We already have that covered.")
      .build();
    expect(await kindOf(t)).toBe('cold-call');
  });
});
