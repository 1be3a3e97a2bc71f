import type { InjectionFinding } from './types';
import { hasAnyKey, wordKey } from './words';

/**
 * Finds instructions addressed to an assistant inside data: an imperative task, a directive about
 * "your response", an insertion request for code, a quiz question, dropped into an email, a table
 * or a code answer. No keyword gives these away; the signal is the sentence's mood (imperative,
 * addressed to the reader, about the reader's output) weighted by how out of place that mood is
 * in the surrounding document.
 */

/** Verbs people use to give an assistant a task; rare as the first word of a sentence in an email or a table. */
const TASK_VERBS = new Set(
  (
    'explain describe summarize summarise translate compose draft generate recommend suggest analyze analyse classify ' +
    'determine outline compare calculate define identify evaluate predict brainstorm elaborate discuss illustrate critique ' +
    'rewrite paraphrase encode decode encrypt decrypt render reverse repeat output reveal respond answer mention ' +
    'promote advertise spread modify substitute scramble jumble rearrange integrate incorporate embed insert append infuse ' +
    'meld blend fuse absorb assimilate enrich fortify elevate upgrade supplement employ utilize utilise introduce enhance ' +
    'express emphasize emphasise highlight invent imagine pretend solve compute write tell name list provide give create ' +
    'design develop propose convert shift invert transform narrate recite spell share disclose leak expose display show ' +
    'produce craft formulate construct devise research investigate assess rate rank grade judge interpret deduce estimate ' +
    'conclude respond reply act roleplay simulate emulate obey ignore disregard forget override bypass enlist ' +
    'harness leverage adopt weave merge combine attach deliver present pose offer ensure include embody'
  ).split(' '),
);

/** Other base-form verbs that open imperative sentences in ordinary documents (how-tos, code answers, emails). */
const GENERAL_VERBS = new Set(
  (
    'add use make take put get set keep let try check click visit open run install call see note read find go look ' +
    'replace change remove delete move copy paste save load send forward email contact reach sign log join download ' +
    'upload register subscribe unsubscribe book buy order pay review confirm verify update fill complete submit enter ' +
    'type select choose pick start begin stop end finish avoid consider remember do be bring hold mix stir bake heat ' +
    'preheat cook serve cut chop pour place combine whisk season boil fry grill drain cover allow wait apply attach ' +
    'follow ask tell help turn press hit drag drop scroll import define declare return pass wrap store print test fix ' +
    'debug build compile deploy configure enable disable ensure double'
  ).split(' '),
);

/** Openers that address the reader before the verb: "please", "you must", "make sure to", "can you". */
const ADDRESSING_LEADS: readonly string[] = [
  'please',
  'kindly',
  'you must',
  'you should',
  'you need to',
  'you have to',
  'you will',
  'you are required to',
  'you are to',
  'make sure to',
  'make sure you',
  'be sure to',
  "don't forget to",
  'do not forget to',
  'remember to',
  'ensure that you',
  'ensure you',
  'can you',
  'could you',
  'would you',
  'will you',
  'i want you to',
  'i need you to',
  'your task is to',
  'your job is to',
  'it is crucial that you',
  'it is important that you',
  "it's important that you",
  'you are asked to',
  'you may',
  "don't hesitate to",
  'do not hesitate to',
  'keep in mind to',
  'i would like you to',
  "i'd like you to",
];
const SOFT_LEADS = new Set([
  'also',
  'now',
  'then',
  'and',
  'just',
  'so',
  'first',
  'finally',
  'additionally',
  'lastly',
  'simply',
  'next',
  'ok',
  'okay',
  'instead',
  'afterwards',
  'moreover',
]);

const OUTPUT_NOUNS =
  '(?:response|responses|reply|replies|answer|answers|output|outputs|message|completion|summary|translation|explanation)';
const CODE_NOUNS =
  '(?:code|solution|implementation|codebase|code base|algorithm|program|script|elucidation|project|application|function)';
/** "your response" in the languages the rules cover, folded (no accents). */
const OUTPUT_REFERENCE_MULTILINGUAL =
  '(?:tu respuesta|su respuesta|ta reponse|votre reponse|deine antwort|deiner antwort|ihre antwort|ihrer antwort|sua resposta|tua resposta|tua risposta|vostra risposta|je antwoord|uw antwoord|jouw antwoord|твоем ответе|вашем ответе|твои ответ|свои ответ|в ответе|你的回答|你的回复|你的回應|回答中|回复中|あなたの回答|回答に|返答に|pendul[a-z]{0,6} yakho|impendulo yakho|pergjigjen tende|pergjigjen tuaj|pergjigjes tende|pergjigje tende|do fhreagra|fhreagra agat|do fhreagairt|nad fhreagairt|fhreagairt agad|san fhreagairt)';

const OUTPUT_DIRECTIVE = new RegExp(
  [
    `\\b(?:in|to|into|within|throughout|inside|at the (?:end|start|beginning|top|bottom) of|of|with|using|for|from) your ${OUTPUT_NOUNS}\\b`,
    `\\byour ${OUTPUT_NOUNS}(?:'s)? (?:must|should|needs? to|has to|will|may only|can only|ought to)\\b`,
    `\\b(?:in|to|with|for|at the end of) (?:every|each|all|any) (?:of your )?(?:answers?|responses?|replies|outputs?|messages?)\\b`,
    `\\b(?:before|when|after|while|whenever|once) (?:answering|responding|replying|summari[sz]ing|you (?:answer|respond|reply|summari[sz]e|write back|process this))\\b`,
    `\\b(?:reply|respond|answer|write|speak|talk) (?:only|exclusively|solely|entirely) (?:in|using|with)\\b`,
    `\\b(?:modify|format|render|encode|encrypt|write|translate|rewrite|reverse|start|begin|end|provide|give|present|deliver|structure|compose|phrase|convert|sign|conclude|scramble|jumble|shift|substitute|replace|rearrange|invert|group|finish|prefix|suffix|wrap|capitalize|uppercase|sprinkle|fill|enhance|adjust|alter|tailor|craft|frame|shape|color|colour|style)\\b[^.\\n]{0,40}?\\byour ${OUTPUT_NOUNS}\\b`,
    `\\b(?:reply|respond|answer|write|speak|communicate|talk)(?: only| exclusively| solely| entirely)? (?:in|using|with) (?:a |the )?(?:english|french|german|spanish|italian|portuguese|dutch|russian|chinese|japanese|korean|arabic|hindi|turkish|polish|swedish|greek|hebrew|latin|pig latin|base\\d{2}|hex|hexadecimal|binary|morse|emojis?|leet|rhymes?|verse|all caps|uppercase|lowercase|reverse|code|json|xml|a poem|haiku)\\b`,
    `\\b(?:can|could|would|will) you (?:reply|respond|answer|write|translate|use|substitute|replace|encode|invert|reverse|add|include|insert|format|render)\\b`,
    OUTPUT_REFERENCE_MULTILINGUAL,
  ].join('|'),
  'u',
);

const CODE_INSERTION = new RegExp(
  `\\b(?:following|below|subsequent|above|this|these|attached|provided|given)(?: \\w{1,15})? (?:code|snippet|excerpt|block|section|fragment|lines?|script|payload)\\b[^\\n]{0,80}?\\b(?:your|the) (?:${CODE_NOUNS}|response|answer|reply)(?:'s)?\\b|\\byour ${CODE_NOUNS}(?:'s)?\\b[^\\n]{0,60}?\\b(?:following|below|subsequent) (?:\\w{1,15} )?(?:code|snippet|excerpt|block|section|fragment)\\b`,
  'u',
);
const INSERTION_VERBS =
  /\b(?:integrat|incorporat|embed|merg|blend|meld|fus|infus|assimilat|absorb|embod|weav|enlist|employ|utiliz|utilis|engag|includ|supplement|enrich|augment|fortif|elevat|upgrad|enhanc|flourish|ascend|addition|inject|splic|interweav|amalgamat)[a-z]{0,5}\b/u;
const INSERT_FOLLOWING_CODE =
  /\b(?:integrat|incorporat|embed|merg|blend|meld|fus|infus|assimilat|absorb|weav|inject|splic)[a-z]{0,5}\b[^\n]{0,40}?\b(?:following|below|subsequent)(?: \w{1,15})? (?:code|snippet|excerpt|block|section|fragment)\b/u;
const OUTPUT_REFERENCE = new RegExp(`\\byour ${OUTPUT_NOUNS}\\b`, 'u');
const STRONG_CODE_TARGET =
  /\byour (?:solution|implementation|codebase|code base|algorithm|elucidation|response|answer|reply|code's)\b/u;

const AI_ADDRESS = new RegExp(
  `\\b(?:you are|you're|as) (?:an? |the )?(?:ai|a\\.i\\.|artificial intelligence|assistant|ai assistant|language model|chatbot|llm|model|bot|large language model)\\b|\\b(?:dear|hey|hi|attention|note to|message for|to the) (?:ai|assistant|language model|chatbot|llm|model|bot|agent|gpt|claude)\\b|\\b(?:ai|assistant|model|agent|llm|bot)s? (?:reading|processing|summariz\\w{1,4}|parsing) this\\b|\\bif you are an? (?:ai|assistant|language model|llm|agent)\\b|\\bthe (?:assistant|ai|model|chatbot|llm|agent|bot) (?:must|should|shall|will now|needs to|has to|is (?:now )?(?:required|instructed|allowed|authori[sz]ed))\\b|\\b(?:tell|inform|warn|remind|convince|persuade|instruct|notify|urge) (?:the|any|every|all) (?:users?|readers?|customers?|recipients?|humans?|visitors?)\\b|^(?:assistant|ai|model|bot|agent|claude|chatgpt|gpt)\\s{0,2}[,:]|\\b(?:instructions?|notes?|message|directions?) (?:for|to) (?:the |any |all )?(?:model|ai|assistant|llm|agent|bot)s?\\b|\\b(?:whoever|anyone who|any (?:ai|model|assistant|agent|system) that) (?:summari[sz]|read|process|analy[sz]|review)[a-z]{0,4} this\\b|\\b(?:nota para (?:el|la|o)|nota per l'|note pour l'|note a l'|hinweis an die|hinweis fur die|aan de|para el|pour l'|per l')\\s{0,2}(?:asistente|assistente|assistant|assistent|ia|ki|ai|modelo|modele|modell|model)\\b`,
  'u',
);

const QUESTION_START =
  /^(?:what|what's|how|why|who|whom|which|where|when|can|could|would|will|is|are|do|does|did|should|shall|may|name|list)\b/u;

type Carrier = 'table' | 'data' | 'email' | 'code' | 'document' | 'standalone';

const HUMAN_TASK =
  /\b(?:by (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|tomorrow|tonight|eod|end of (?:day|week|month))|the attached|attached (?:file|document|form|label|invoice)|this email|our (?:meeting|call)|the meeting|at the office|within \d{1,3} (?:hours|days))\b/u;

interface Sentence {
  readonly start: number;
  readonly end: number;
  readonly text: string;
  readonly wholeLine: boolean;
  readonly tableRow: boolean;
}

const MAXIMUM_SENTENCE_LENGTH = 600;
/** The strongest sentences are reported; the score only needs the best one. */
const MAXIMUM_FINDINGS = 64;

/** Returns embedded-instruction findings with spans in the view's offsets. Linear in the text's length. */
export function findEmbeddedInstructions(view: string, words?: ReadonlySet<number>): InjectionFinding[] {
  const { sentences, carrier, lineCount } = segment(view);
  if (sentences.length === 0) return [];
  const hits = scanSentenceCues(view, words);
  let imperativeSentences = 0;
  let proseSentences = 0;
  const analyses = sentences.map((sentence) => {
    const analysis = analyze(sentence, hits);
    if (!sentence.tableRow) {
      proseSentences += 1;
      if (analysis.verb !== undefined) imperativeSentences += 1;
    }
    return analysis;
  });
  // A how-to or code answer is written in the imperative; one more imperative there is not out of place.
  const imperativeShare =
    proseSentences >= 5 && imperativeSentences >= 3 ? (imperativeSentences - 1) / (proseSentences - 1) : 0;
  const findings: InjectionFinding[] = [];
  for (let index = 0; index < sentences.length; index += 1) {
    const sentence = sentences[index];
    const analysis = analyses[index];
    if (sentence === undefined || analysis === undefined) continue;
    // The only imperative among several statements: its mood alone sets it apart from the document.
    const loneImperative = analysis.verb !== undefined && imperativeSentences === 1 && proseSentences >= 4;
    const finding = scoreSentence(sentence, analysis, carrier, imperativeShare, lineCount, loneImperative);
    if (finding !== undefined) findings.push(finding);
  }
  if (findings.length <= MAXIMUM_FINDINGS) return findings;
  return findings
    .sort((left, right) => right.score - left.score)
    .slice(0, MAXIMUM_FINDINGS)
    .sort((left, right) => left.start - right.start);
}

interface Analysis {
  readonly verb: string | undefined;
  readonly taskVerb: boolean;
  readonly addressed: boolean;
  readonly outputDirective: boolean;
  readonly codeInsertion: 'strong' | 'weak' | undefined;
  readonly question: boolean;
  readonly aiAddress: boolean;
}

type Cue = 'outputDirective' | 'outputReference' | 'codeInsertion' | 'strongCodeTarget' | 'aiAddress';

/** Each cue pattern with the word keys one of which must occur for it to match (`undefined`: always run). */
const keys = (...words: readonly string[]): ReadonlySet<number> => new Set(words.map(wordKey));
const CUE_PATTERNS: ReadonlyArray<readonly [Cue, RegExp, ReadonlySet<number> | undefined]> = [
  ['outputDirective', new RegExp(OUTPUT_DIRECTIVE.source, 'gu'), undefined],
  ['outputReference', new RegExp(OUTPUT_REFERENCE.source, 'gu'), keys('your')],
  [
    'codeInsertion',
    new RegExp(CODE_INSERTION.source, 'gu'),
    keys('following', 'below', 'subsequent', 'above', 'this', 'these', 'attached', 'provided', 'given', 'your'),
  ],
  ['codeInsertion', new RegExp(INSERT_FOLLOWING_CODE.source, 'gu'), keys('following', 'below', 'subsequent')],
  ['strongCodeTarget', new RegExp(STRONG_CODE_TARGET.source, 'gu'), keys('your')],
  ['strongCodeTarget', new RegExp(INSERTION_VERBS.source, 'gu'), undefined],
  ['aiAddress', new RegExp(AI_ADDRESS.source, 'gu'), undefined],
];

/** Match start offsets of each sentence-level cue, found in one pass over the whole text rather than per sentence. */
type CueHits = Record<Cue, number[]>;

function scanSentenceCues(view: string, words: ReadonlySet<number> | undefined): CueHits {
  const hits: CueHits = {
    outputDirective: [],
    outputReference: [],
    codeInsertion: [],
    strongCodeTarget: [],
    aiAddress: [],
  };
  for (const [cue, pattern, anchors] of CUE_PATTERNS) {
    if (cue === 'strongCodeTarget' && hits.codeInsertion.length === 0) continue;
    if (anchors !== undefined && words !== undefined && !hasAnyKey(words, anchors)) continue;
    pattern.lastIndex = 0;
    for (let match = pattern.exec(view); match !== null; match = pattern.exec(view)) {
      hits[cue].push(match.index);
      if (match[0].length === 0) pattern.lastIndex += 1;
    }
  }
  for (const list of Object.values(hits)) list.sort((left, right) => left - right);
  return hits;
}

function hasHit(list: readonly number[], start: number, end: number): boolean {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((list[middle] ?? 0) < start) low = middle + 1;
    else high = middle;
  }
  return low < list.length && (list[low] ?? end) < end;
}

/** Leads grouped by their first word, so a sentence is compared only with the leads it could start with. */
const LEADS_BY_FIRST_WORD: ReadonlyMap<string, readonly string[]> = (() => {
  const map = new Map<string, string[]>();
  for (const lead of ADDRESSING_LEADS) {
    const first = lead.split(' ')[0] ?? lead;
    map.set(
      first,
      [...(map.get(first) ?? []), lead].sort((left, right) => right.length - left.length),
    );
  }
  return map;
})();

const firstWordOf = (text: string): string => /^[a-z][a-z'-]{0,19}/u.exec(text)?.[0] ?? '';

function analyze(sentence: Sentence, hits: CueHits): Analysis {
  let rest = sentence.text.replace(/^[\s*#>\-•·\d.)([\]"'`|:_~]{0,12}/u, '');
  let addressed = false;
  for (let step = 0; step < 3; step += 1) {
    const word = firstWordOf(rest);
    const lead = LEADS_BY_FIRST_WORD.get(word)?.find(
      (candidate) => rest.startsWith(candidate) && !/\w/u.test(rest[candidate.length] ?? ''),
    );
    if (lead !== undefined) {
      addressed = true;
      rest = rest.slice(lead.length).replace(/^[\s,:]{0,4}/u, '');
      continue;
    }
    if (SOFT_LEADS.has(word)) {
      rest = rest.slice(word.length).replace(/^[\s,:]{0,4}/u, '');
      continue;
    }
    break;
  }
  const firstWord = firstWordOf(rest);
  let isVerb = false;
  if (TASK_VERBS.has(firstWord) || GENERAL_VERBS.has(firstWord)) {
    const followedByObject =
      /^[a-z'-]{1,20}(?:\s|$)/u.test(rest) &&
      !/^[a-z'-]{1,20}\s(?:is|are|was|were|has|have|had|of|will|can|to)\b/u.test(rest);
    isVerb = followedByObject && rest.split(/\s+/u, 4).length >= 3;
  }
  const { start, end } = sentence;
  const codeInsertion = hasHit(hits.codeInsertion, start, end);
  return {
    verb: isVerb ? firstWord : undefined,
    taskVerb: isVerb && TASK_VERBS.has(firstWord),
    addressed,
    outputDirective: hasHit(hits.outputDirective, start, end) || (isVerb && hasHit(hits.outputReference, start, end)),
    codeInsertion: codeInsertion ? (hasHit(hits.strongCodeTarget, start, end) ? 'strong' : 'weak') : undefined,
    question: sentence.text.endsWith('?') && QUESTION_START.test(rest),
    aiAddress: hasHit(hits.aiAddress, start, end),
  };
}

const CARRIER_WEIGHT: Readonly<Record<Carrier, number>> = {
  table: 1,
  data: 1,
  email: 1,
  code: 0.85,
  document: 0.9,
  // A single request on its own is what a user sends; in data it is still odd, but weakly so.
  standalone: 0.5,
};

function scoreSentence(
  sentence: Sentence,
  analysis: Analysis,
  carrier: Carrier,
  imperativeShare: number,
  lineCount: number,
  loneImperative: boolean,
): InjectionFinding | undefined {
  if (sentence.tableRow) return undefined;
  const parts: Array<[string, number]> = [];
  if (analysis.outputDirective) parts.push(['embedded-output-directive', 0.62]);
  if (analysis.codeInsertion !== undefined)
    parts.push(['embedded-code-insertion', analysis.codeInsertion === 'strong' ? 0.7 : 0.4]);
  if (analysis.aiAddress) parts.push(['embedded-ai-address', 0.55]);
  let moodWeight = 1;
  if (carrier !== 'standalone' && imperativeShare > 0.25) moodWeight = 0.55;
  // Code answers are advice to the reader ("you need to convert ..."); their imperatives are in place.
  if (carrier === 'code') moodWeight *= 0.5;
  // Deadlines, attachments and meetings mark a request to the human reader, not to a model.
  if (HUMAN_TASK.test(sentence.text)) moodWeight *= 0.6;
  if (analysis.verb !== undefined) {
    const base = analysis.taskVerb ? 0.5 : 0.12;
    parts.push(['embedded-instruction', (analysis.addressed ? base + 0.15 : base) * moodWeight]);
  } else if (analysis.addressed) {
    parts.push(['embedded-instruction', 0.2 * moodWeight]);
  }
  if (analysis.question) {
    // A question to nobody in particular ("What is ...?") inside mail or a table is a task for the reader.
    const impersonal = !/\b(?:you|your|we|our|us)\b/u.test(sentence.text.replace(/(["'‘“])[^"'’”]{0,80}["'’”]/gu, ''));
    const weight =
      carrier === 'table' || carrier === 'data'
        ? 0.55
        : carrier === 'email'
          ? impersonal
            ? 0.5
            : 0.25
          : carrier === 'document'
            ? impersonal
              ? 0.35
              : 0.2
            : 0.1;
    parts.push(['embedded-question', weight]);
  }
  if (parts.length === 0) return undefined;
  let miss = 1;
  let rule = 'embedded-instruction';
  let best = 0;
  for (const [id, value] of parts) {
    miss *= 1 - value;
    if (value > best) {
      best = value;
      rule = id;
    }
  }
  let weight = CARRIER_WEIGHT[carrier];
  // An instruction on a line of its own, in a document of several lines, was most likely dropped in.
  if (carrier !== 'standalone' && ((sentence.wholeLine && lineCount >= 3) || loneImperative))
    weight = Math.min(1, weight + 0.1);
  const score = (1 - miss) * weight;
  if (score < 0.1) return undefined;
  return { rule, category: 'embedded-instruction', start: sentence.start, end: sentence.end, score: round(score) };
}

const round = (value: number): number => Math.round(value * 1000) / 1000;

/** A table row: pipe-delimited, or at least two tabs. */
function isTableRow(line: string): boolean {
  const trimmed = line.trim();
  if (trimmed.length > 1 && trimmed.startsWith('|') && trimmed.endsWith('|')) return true;
  const firstTab = line.indexOf('\t');
  return firstTab >= 0 && line.indexOf('\t', firstTab + 1) >= 0;
}
const EMAIL_MARKERS =
  /(?:^|\n|\|)\s{0,4}(?:subject|from|to|cc|sent|date|email_from|received date|content)\s{0,2}:|(?:^|\n)\s{0,4}(?:dear|hi|hello|hey)\b[^\n]{0,40}[,\n]|\b(?:unsubscribe|best regards|kind regards|sincerely|cheers,|thanks,|thank you,)/u;

function segment(view: string): { sentences: Sentence[]; carrier: Carrier; lineCount: number } {
  const sentences: Sentence[] = [];
  let lineStart = 0;
  let nonEmptyLines = 0;
  let tableRows = 0;
  let codeLines = 0;
  let dataLines = 0;
  let inFence = false;
  let sawFence = false;
  while (lineStart <= view.length) {
    let lineEnd = view.indexOf('\n', lineStart);
    if (lineEnd < 0) lineEnd = view.length;
    const line = view.slice(lineStart, lineEnd);
    const trimmed = line.trim();
    if (trimmed.startsWith('```')) {
      inFence = !inFence;
      sawFence = true;
    } else if (trimmed.length > 0) {
      nonEmptyLines += 1;
      if (inFence && !looksLikeProse(trimmed)) {
        codeLines += 1;
      } else if (isTableRow(line)) {
        tableRows += 1;
        splitProseCells(line, lineStart, sentences);
      } else {
        if (looksLikeCode(line, trimmed)) codeLines += 1;
        if (looksLikeData(trimmed)) dataLines += 1;
        splitSentences(line, lineStart, sentences);
      }
    }
    lineStart = lineEnd + 1;
  }
  const carrier: Carrier =
    tableRows >= 3 && tableRows * 3 >= nonEmptyLines
      ? 'table'
      : dataLines >= 1 && dataLines * 3 >= nonEmptyLines
        ? 'data'
        : EMAIL_MARKERS.test(view.slice(0, 4000))
          ? 'email'
          : sawFence || codeLines >= 3
            ? 'code'
            : nonEmptyLines >= 3 || view.length >= 400 || (nonEmptyLines >= 2 && view.length >= 200)
              ? 'document'
              : 'standalone';
  return { sentences, carrier, lineCount: nonEmptyLines };
}

/** JSON, CSV and log lines: long, and mostly digits and punctuation rather than words. */
function looksLikeData(trimmed: string): boolean {
  if (trimmed.length < 24) return false;
  if (trimmed.startsWith('{') || trimmed.startsWith('[{')) return true;
  let letters = 0;
  let spaces = 0;
  const sample = Math.min(trimmed.length, 400);
  for (let index = 0; index < sample; index += 1) {
    const code = trimmed.charCodeAt(index);
    if ((code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || code >= 0x80) letters += 1;
    else if (code === 0x20) spaces += 1;
  }
  return letters < sample * 0.55 || spaces < sample * 0.04;
}

function looksLikeCode(line: string, trimmed: string): boolean {
  const last = trimmed[trimmed.length - 1];
  return (
    line.startsWith('    ') ||
    trimmed.startsWith('>>>') ||
    trimmed.startsWith('$ ') ||
    last === ';' ||
    last === '{' ||
    last === '}'
  );
}

/** Cells that hold a sentence (a long notes column, or a table flattened onto one line) are read as prose. */
function splitProseCells(line: string, offset: number, into: Sentence[]): void {
  let cellStart = 0;
  for (let index = 0; index <= line.length; index += 1) {
    const character = index < line.length ? line[index] : '|';
    if (character !== '|' && character !== '\t') continue;
    const cell = line.slice(cellStart, index);
    if (cell.length >= 24 && cell.trim().split(/\s+/u, 6).length >= 6) splitSentences(cell, offset + cellStart, into);
    cellStart = index + 1;
  }
}

/** A line inside a code fence that reads as a sentence (an instruction dropped into a code block, or a fence left open). */
function looksLikeProse(line: string): boolean {
  if (
    /^(?:#|\/\/|\*|--|>>>|\$|import |from \S{1,40} import|def |class \w{1,40}[:(]|return\b|const |let \w{1,40} =|var )|[=;{}()[\]<>]/u.test(
      line,
    )
  )
    return false;
  const words = line.split(/\s+/u).filter((word) => /^[a-z'’,.:-]{1,20}$/u.test(word));
  return words.length >= 6;
}

function splitSentences(line: string, offset: number, into: Sentence[]): void {
  const before = into.length;
  let start = 0;
  for (let index = 0; index < line.length; index += 1) {
    const character = line[index];
    const boundary =
      (character === '.' ||
        character === '!' ||
        character === '?' ||
        character === '。' ||
        character === '？' ||
        character === '！') &&
      (index + 1 >= line.length ||
        line[index + 1] === ' ' ||
        line[index + 1] === '"' ||
        line[index + 1] === "'" ||
        character > '~');
    if (boundary || index - start >= MAXIMUM_SENTENCE_LENGTH) {
      pushSentence(line, start, index + 1, offset, into);
      start = index + 1;
    }
  }
  pushSentence(line, start, line.length, offset, into);
  if (into.length === before + 1) {
    const only = into[before];
    if (only !== undefined) into[before] = { ...only, wholeLine: true };
  }
}

function pushSentence(line: string, start: number, end: number, offset: number, into: Sentence[]): void {
  const text = line.slice(start, end).trim();
  if (text.length < 3) return;
  const leading = line.slice(start, end).length - line.slice(start, end).trimStart().length;
  into.push({
    start: offset + start + leading,
    end: offset + start + leading + text.length,
    text,
    wholeLine: false,
    tableRow: false,
  });
}
