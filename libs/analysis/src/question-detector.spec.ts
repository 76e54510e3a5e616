import { countQuestions } from './question-detector';
import { tokenizeText } from './tokens';

const questions = (text: string): number => countQuestions(tokenizeText(text));

describe('question detection without punctuation', () => {
  it.each([
    ['what made you look at backup solutions this quarter', 1],
    ['how much data are we talking about', 1],
    ['i hear you does the other quote include restore fees', 1],
    ['makes sense could we book thirty minutes next wednesday', 1],
    ['i am sorry about that can you tell me your phone number', 1],
    ['thank you can you confirm the address', 1],
    ['is there anything else i can help with', 1],
    ["what's your current setup today and how many users do you have", 2],
    ['so tell me about your current process', 1],
    ['have you tried restarting it', 1],
  ])('"%s" has %i question(s)', (text, expected) => {
    expect(questions(text)).toBe(expected);
  });

  it.each([
    'that is it for today',
    'we do the migration for you',
    'i know what you mean',
    'if you could send it that would be great',
    'your price is almost double what they quoted us',
    'we can you know help with that',
    'i can set up call forwarding for free',
  ])('"%s" is a statement', (text) => {
    expect(questions(text)).toBe(0);
  });
});
