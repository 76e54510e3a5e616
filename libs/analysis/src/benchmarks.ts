/**
 * Published benchmarks the coaching compares against. Each names its source so a coach
 * can check it; none is a law of nature, and several come from B2B sales research that
 * does not transfer directly to support calls (coaching-rules.ts applies them per call type).
 */
export const BENCHMARKS = {
  /**
   * Gong Labs, "The highest converting talk-to-listen ratio" (25,537 B2B sales calls;
   * revisited 2025): top performers talk ~43% and listen ~57%; talking > 65% of the time
   * goes with markedly lower win rates.
   * https://www.gong.io/resources/labs/talk-to-listen-conversion-ratio/
   */
  talkRatio: { name: 'Gong Labs 43:57 talk-to-listen ratio of top sales reps', target: 0.43, ceiling: 0.65 },
  /**
   * Gong Labs monologue research as commonly quoted: top reps' longest monologue on
   * discovery calls is ~76 s, and uninterrupted stretches past ~2.5 min lose the buyer.
   */
  monologue: {
    name: 'Gong Labs guidance: longest monologue ≈ 76 s, never above 2.5 min',
    targetMs: 76_000,
    ceilingMs: 150_000,
  },
  /**
   * Gong Labs discovery-call research: success peaks when the rep asks 11–14 questions per
   * call, with diminishing returns beyond that.
   */
  questions: { name: 'Gong Labs: 11–14 questions per discovery call', min: 11, max: 14 },
  /**
   * National Center for Voice and Speech: conversational English averages ~150 words per
   * minute; 140–160 wpm is the usual guidance for clear spoken delivery.
   */
  pace: { name: 'NCVS conversational speaking rate 140–160 wpm', min: 140, max: 160 },
  /**
   * Bortfeld et al. (2001), "Disfluency rates in conversation", Language and Speech 44(2):
   * about 6 disfluencies per 100 words in ordinary conversation. Used as an upper bound
   * for filler words, which are one kind of disfluency.
   */
  fillers: { name: 'Bortfeld et al. 2001: ~6 disfluencies per 100 words', per100Words: 6 },
  /** LAER objection-handling model (Carew International): Listen, Acknowledge, Explore, Respond. */
  objectionHandling: { name: 'LAER objection handling (Listen, Acknowledge, Explore, Respond)' },
  /** HEARD service-recovery model (Hear, Empathize, Apologize, Resolve, Diagnose). */
  empathy: { name: 'HEARD service recovery (Hear, Empathize, Apologize, Resolve, Diagnose)' },
  /**
   * SQM Group first-contact-resolution research: each 1% improvement in FCR brings about
   * a 1% improvement in customer satisfaction.
   */
  resolution: { name: 'SQM Group first-contact resolution: +1% FCR ≈ +1% CSAT' },
  /** Sales-process exit criterion shared by most methodologies (e.g. MEDDICC, Sandler). */
  nextStep: { name: 'Dated, mutually agreed next step before the call ends' },
  /** House guideline: let the customer finish; a talk-over counts against rapport. */
  interruptions: { name: 'House guideline: 0 interruptions of the customer', max: 0 },
  /**
   * BANT (IBM's Budget, Authority, Need, Timeline) qualification: a discovery call should learn
   * all four; the count of topics the agent asked about is compared with it.
   */
  discoveryCoverage: { name: 'BANT qualification: budget, authority, need and timeline asked about' },
  /**
   * Retention practice shared by most save desks: ask why, then make a concrete offer before the
   * call ends (a price, a credit, a named follow-up).
   */
  retention: { name: 'Save-desk practice: ask why, then a concrete offer before the call ends' },
  /** House guideline on the wink-nlp lexicon score of the customer's last remarks. */
  closingSentiment: { name: 'House guideline: customer closes neutral or positive (score ≥ 0)', min: 0 },
} as const;
