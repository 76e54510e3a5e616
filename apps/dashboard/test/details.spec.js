// @ts-check
import { changedDetails, detailsOf, displayTitle, inputOf, parseTags } from '../public/js/details.js';
import { aView } from './builders.js';

/** @typedef {import('../public/js/types.js').RecordingDetails} RecordingDetails */

/** @type {RecordingDetails} */
const current = { title: 'Q3 renewal', tags: ['sales', 'renewal'], agent: 'Dana', customer: null, notes: null };

describe('recording details', () => {
  it('parses comma-separated tags: trimmed, empty ones dropped, repeats removed', () => {
    expect(parseTags(' sales , renewal,, ,sales,  vip ')).toEqual(['sales', 'renewal', 'vip']);
    expect(parseTags('')).toEqual([]);
    expect(parseTags(' , ,')).toEqual([]);
    // Case matters, as on the server: two different tags.
    expect(parseTags('VIP, vip')).toEqual(['VIP', 'vip']);
  });

  it('prefills the form from the details, tags as text', () => {
    expect(inputOf(current)).toEqual({
      title: 'Q3 renewal',
      tags: 'sales, renewal',
      agent: 'Dana',
      customer: '',
      notes: '',
    });
  });

  it('finds nothing changed in the untouched form, or one with only spaces added', () => {
    expect(changedDetails(current, inputOf(current))).toEqual({});
    expect(
      changedDetails(current, {
        title: ' Q3 renewal ',
        tags: 'sales,renewal, sales,',
        agent: 'Dana ',
        customer: ' ',
        notes: '',
      }),
    ).toEqual({});
  });

  it('sends only the changed fields, trimmed, an emptied one as null', () => {
    expect(changedDetails(current, { ...inputOf(current), title: '  Renewal call ' })).toEqual({
      title: 'Renewal call',
    });
    expect(changedDetails(current, { ...inputOf(current), agent: '', customer: 'Acme' })).toEqual({
      agent: null,
      customer: 'Acme',
    });
    expect(changedDetails(current, { ...inputOf(current), notes: 'Call back\nin May' })).toEqual({
      notes: 'Call back\nin May',
    });
  });

  it('sends the whole tag list when it changed: added, removed or reordered', () => {
    expect(changedDetails(current, { ...inputOf(current), tags: 'sales, renewal, vip' })).toEqual({
      tags: ['sales', 'renewal', 'vip'],
    });
    expect(changedDetails(current, { ...inputOf(current), tags: 'sales' })).toEqual({ tags: ['sales'] });
    expect(changedDetails(current, { ...inputOf(current), tags: 'renewal, sales' })).toEqual({
      tags: ['renewal', 'sales'],
    });
    expect(changedDetails(current, { ...inputOf(current), tags: '' })).toEqual({ tags: [] });
  });

  it('shows a recording by its edited title, else its file name, else its id', () => {
    const view = aView({ audioId: 'a1', filename: 'call.mp3', details: { ...current } });
    expect(displayTitle(view)).toBe('Q3 renewal');
    expect(displayTitle({ ...view, details: { ...current, title: null } })).toBe('call.mp3');
    expect(displayTitle({ ...view, filename: '', details: { ...current, title: null } })).toBe('a1');
    // A view from before details existed.
    const old = aView({ filename: 'call.mp3' });
    Reflect.deleteProperty(old, 'details');
    expect(displayTitle(old)).toBe('call.mp3');
    expect(detailsOf(old)).toEqual({ title: null, tags: [], agent: null, customer: null, notes: null });
  });
});
