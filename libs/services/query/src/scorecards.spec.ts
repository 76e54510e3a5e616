import { DEFAULT_SCORECARD_TEMPLATE } from '@speech/analysis';
import { AppError } from '@speech/kernel';
import { scorecardTemplateOf } from './scorecards';

describe('SCORECARD_TEMPLATE', () => {
  const criteria = [
    { id: 'questions', label: 'Asks questions', weight: 1, rule: { metric: 'questionsAsked', op: '>=', value: 3 } },
  ];

  it('is the default template when unset, and the JSON given when valid', () => {
    expect(scorecardTemplateOf({})).toEqual(DEFAULT_SCORECARD_TEMPLATE);
    expect(scorecardTemplateOf({ SCORECARD_TEMPLATE: JSON.stringify({ criteria }) })).toEqual({ criteria });
  });

  it('stops start-up with CONFIG.INVALID for bad JSON or a bad template, naming the key', () => {
    const problem = (value: string) => {
      try {
        scorecardTemplateOf({ SCORECARD_TEMPLATE: value });
        return null;
      } catch (err) {
        return err instanceof AppError ? `${err.code} ${err.message}` : String(err);
      }
    };
    expect(problem('{not json')).toMatch(/^CONFIG.INVALID .*SCORECARD_TEMPLATE: not JSON/s);
    const bad = JSON.stringify({ criteria: [{ ...criteria[0], rule: { metric: 'mood', op: '>=', value: 1 } }] });
    expect(problem(bad)).toMatch(/^CONFIG.INVALID .*SCORECARD_TEMPLATE: criteria\.0\.rule/s);
    expect(problem(JSON.stringify({ criteria: [] }))).toMatch(/^CONFIG.INVALID .*SCORECARD_TEMPLATE/s);
  });
});
