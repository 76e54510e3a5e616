import { COMPLAINT_ISSUE_TYPES, ISSUE_TYPES, OBJECTION_ISSUE_TYPES } from './analysis.schema';
import { COMPLAINT_TYPES, OBJECTION_TYPES } from './objection-response';

describe('issue types', () => {
  it('are the sales objections, then the complaints, each once', () => {
    expect(ISSUE_TYPES).toEqual([...OBJECTION_ISSUE_TYPES, ...COMPLAINT_ISSUE_TYPES]);
    expect(new Set(ISSUE_TYPES).size).toBe(ISSUE_TYPES.length);
  });

  it('give the coaching and the quiz the same objections and complaints as the schema', () => {
    expect([...OBJECTION_TYPES].sort()).toEqual([...OBJECTION_ISSUE_TYPES].sort());
    expect(COMPLAINT_TYPES).toEqual(COMPLAINT_ISSUE_TYPES);
  });
});
