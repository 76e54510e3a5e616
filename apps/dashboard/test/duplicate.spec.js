// @ts-check
import { duplicateBadge } from '../public/js/duplicate.js';
import { aView } from './builders.js';

describe('the re-upload badge', () => {
  it('names the first recording and opens it', () => {
    expect(duplicateBadge(aView({ duplicateOf: 'first-id', duplicateOfTitle: 'Renewal call' }))).toEqual({
      audioId: 'first-id',
      text: 'Duplicate of Renewal call',
      label: 'Same file as Renewal call: open that recording',
    });
  });

  it('is absent when the recording is no re-upload (or its first copy was deleted)', () => {
    expect(duplicateBadge(aView())).toBeNull();
    expect(duplicateBadge(aView({ duplicateOf: null, duplicateOfTitle: null }))).toBeNull();
  });
});
