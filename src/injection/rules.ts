import type { InjectionCategory } from './types';
import { wordKey } from './words';

/**
 * One pattern rule. Patterns run on the normalized view (lower case, accents and invisible
 * characters removed, homoglyphs folded). Every quantifier in every pattern is bounded, so each
 * start position does bounded work and a scan is linear in the text's length.
 */
export interface PatternRule {
  readonly id: string;
  readonly category: InjectionCategory;
  readonly score: number;
  readonly pattern: RegExp;
  /** Also run on the ROT13 and reversed views (only phrases strong enough to stand alone). */
  readonly transformed: boolean;
  /**
   * Word keys (see `wordKey` in words.ts) of which at least one must occur for the pattern to match;
   * `undefined` runs the pattern on every text. A cheap pre-filter, not part of the semantics.
   */
  readonly anchors: ReadonlySet<number> | undefined;
  /** Substrings of which at least one must occur (for patterns that start with punctuation). */
  readonly substrings: readonly string[] | undefined;
  /** Run whenever the text has a non-ASCII character (patterns with unspaced scripts). */
  readonly nonAscii: boolean;
}

interface RuleHints {
  readonly anchors?: readonly string[];
  readonly substrings?: readonly string[];
  readonly nonAscii?: boolean;
  readonly transformed?: boolean;
}

const any = (...alternatives: readonly string[]): string => `(?:${alternatives.join('|')})`;
/** A short gap inside one sentence. */
const gap = (maximum: number): string => `[^.\\n]{0,${maximum}}?`;
const rule = (
  id: string,
  category: InjectionCategory,
  score: number,
  source: string,
  hintsOrTransformed: RuleHints | boolean = {},
): PatternRule => {
  const hints: RuleHints =
    typeof hintsOrTransformed === 'boolean' ? { transformed: hintsOrTransformed } : hintsOrTransformed;
  const derived = hints.anchors === undefined && hints.substrings === undefined ? deriveAnchors(source) : undefined;
  const anchors = hints.anchors ?? derived?.anchors;
  return {
    id,
    category,
    score,
    pattern: new RegExp(source, 'gu'),
    transformed: hints.transformed === true,
    anchors: anchors === undefined ? undefined : new Set(anchors.map(wordKey)),
    substrings: hints.substrings,
    nonAscii: hints.nonAscii === true || derived?.nonAscii === true,
  };
};

/**
 * Reads the pre-filter words off a pattern that starts with a literal word or with a group of
 * plain-word alternatives and has no top-level alternation; anything else runs unfiltered.
 */
function deriveAnchors(source: string): { anchors: string[]; nonAscii: boolean } | undefined {
  let body = source.startsWith('\\b') ? source.slice(2) : source;
  let depth = 0;
  for (let index = 0; index < body.length; index += 1) {
    const character = body[index];
    if (character === '\\') index += 1;
    else if (character === '[') index = skipClass(body, index);
    else if (character === '(') depth += 1;
    else if (character === ')') depth -= 1;
    else if (character === '|' && depth === 0) return undefined;
  }
  const leadingWord = /^[a-z']{2,}/u.exec(body);
  if (leadingWord !== null) return { anchors: [leadingWord[0]], nonAscii: false };
  if (!body.startsWith('(?:')) return undefined;
  depth = 0;
  let end = -1;
  for (let index = 0; index < body.length; index += 1) {
    const character = body[index];
    if (character === '\\') index += 1;
    else if (character === '[') index = skipClass(body, index);
    else if (character === '(') depth += 1;
    else if (character === ')') {
      depth -= 1;
      if (depth === 0) {
        end = index;
        break;
      }
    }
  }
  if (end < 0) return undefined;
  body = body.slice(3, end);
  if (/[()[\]\\?*+{}]/u.test(body)) return undefined;
  const alternatives = body.split('|');
  if (!alternatives.every((alternative) => /^[\p{L}' -]+$/u.test(alternative))) return undefined;
  return {
    anchors: alternatives.map((alternative) => alternative.split(/[ -]/u)[0] ?? alternative),
    nonAscii: alternatives.some((alternative) => [...alternative].some((character) => character.charCodeAt(0) > 0x7f)),
  };
}

/** Index of the `]` that closes the character class opened at `start`. */
function skipClass(source: string, start: number): number {
  for (let index = start + 1; index < source.length; index += 1) {
    if (source[index] === '\\') index += 1;
    else if (source[index] === ']') return index;
  }
  return source.length;
}

/** verb … (qualifier … noun | noun … qualifier): languages differ in adjective order. */
const override = (verbs: string, qualifiers: string, nouns: string): string =>
  `${verbs}${gap(30)}(?:${qualifiers}${gap(25)}${nouns}|${nouns}${gap(25)}${qualifiers})`;

const ENGLISH_OVERRIDE = override(
  `\\b${any('ignore', 'ignoring', 'disregard', 'forget', 'overlook', 'skip', 'override', 'bypass', 'neglect', 'discard', 'abandon', 'drop', 'set aside', 'throw out', 'pay no attention to', 'do not follow', "don't follow", 'stop following')}\\b`,
  `\\b${any('previous', 'prior', 'above', 'preceding', 'earlier', 'former', 'initial', 'original', 'system', 'existing', 'foregoing', 'old', 'all', 'any', 'every', 'your')}\\b`,
  `\\b${any('instructions?', 'prompts?', 'directions?', 'directives?', 'rules', 'guidelines', 'commands?', 'context', 'requests', 'orders', 'constraints', 'programming', 'guidance', 'restrictions')}\\b`,
);

/** Instruction-override phrases per language, written in folded form (no accents, lower case). */
const MULTILINGUAL_OVERRIDES: readonly string[] = [
  // Spanish
  override(
    `\\b${any('ignora', 'ignore', 'ignorar', 'ignoren', 'olvida', 'olvide', 'olvidar', 'olviden', 'descarta', 'descarte', 'omite', 'omita', 'haz caso omiso')}\\b`,
    any('anteriores', 'previas', 'precedentes', 'de arriba', 'anteriormente', 'todas', 'originales'),
    any('instrucciones', 'indicaciones', 'ordenes', 'reglas', 'directrices', 'instruccion'),
  ),
  // French
  override(
    `\\b${any('ignore', 'ignorez', 'ignorer', 'oublie', 'oubliez', 'oublier', 'neglige', 'negligez', 'ne tiens pas compte', 'ne tenez pas compte', 'fais abstraction', 'faites abstraction')}\\b`,
    any('precedentes', 'anterieures', 'ci-dessus', 'initiales', 'toutes', 'originales'),
    any('instructions', 'consignes', 'directives', 'regles', 'ordres'),
  ),
  // German
  override(
    `\\b${any('ignoriere', 'ignorieren', 'ignoriert', 'vergiss', 'vergessen', 'vergesst', 'missachte', 'missachten', 'verwirf', 'verwerfen')}\\b`,
    any('vorherigen', 'bisherigen', 'obigen', 'vorigen', 'fruheren', 'alle', 'vorangegangenen', 'ursprunglichen'),
    any('anweisungen', 'instruktionen', 'befehle', 'regeln', 'vorgaben', 'anordnungen', 'richtlinien'),
  ),
  // Portuguese
  override(
    `\\b${any('ignore', 'ignora', 'ignorar', 'ignorem', 'esqueca', 'esquece', 'esquecer', 'desconsidere', 'desconsidera', 'descarte', 'descarta')}\\b`,
    any('anteriores', 'previas', 'acima', 'todas', 'originais'),
    any('instrucoes', 'instrucao', 'orientacoes', 'regras', 'comandos', 'diretrizes', 'ordens'),
  ),
  // Italian
  override(
    `\\b${any('ignora', 'ignorare', 'ignorate', 'dimentica', 'dimenticare', 'dimenticate', 'trascura', 'tralascia', 'non considerare')}\\b`,
    any('precedenti', 'sopra', 'anteriori', 'tutte', 'originali'),
    any('istruzioni', 'indicazioni', 'regole', 'direttive', 'comandi', 'ordini'),
  ),
  // Dutch
  override(
    `\\b${any('negeer', 'negeren', 'vergeet', 'vergeten', 'veronachtzaam')}\\b`,
    any('vorige', 'eerdere', 'voorgaande', 'bovenstaande', 'alle', 'oorspronkelijke'),
    any('instructies', 'aanwijzingen', 'opdrachten', 'regels', 'richtlijnen', 'bevelen'),
  ),
  // Russian (folded: й -> и, ё -> е)
  override(
    any(
      'игнорируи',
      'игнорируите',
      'игнорировать',
      'проигнорируи',
      'забудь',
      'забудьте',
      'забыть',
      'не обращаи внимания на',
      'отбрось',
      'отбросьте',
      'пропусти',
    ),
    any('предыдущ', 'прежн', 'все', 'вышеуказанн', 'вышеизложенн', 'прошл', 'старые', 'исходн'),
    any('инструкц', 'указани', 'команд', 'правил', 'приказ', 'директив'),
  ),
  // Chinese (simplified and traditional)
  `${any('忽略', '无视', '無視', '忘记', '忘記', '忽视', '忽視', '不要理会', '不要理會', '别管', '別管', '丢弃', '丟棄', '不要遵守', '停止遵循')}[^\\n]{0,10}?${any('之前', '以前', '先前', '上面', '上述', '前面', '所有', '以上', '早前', '原来', '原來', '你的')}[^\\n]{0,8}?${any('指令', '指示', '说明', '說明', '规则', '規則', '命令', '提示', '要求', '设定', '設定')}`,
  // Japanese: object before verb
  `${any('以前', '前', '上記', 'これまで', '先程', '先ほど', 'すべて', '全て', '元')}の?[^\\n]{0,8}?${any('指示', '命令', '指令', 'ルール', 'プロンプト', '設定')}[^\\n]{0,6}?${any('無視', '忘れ')}`,
  // Korean
  `${any('이전', '위의', '앞의', '모든', '기존')}[^\\n]{0,10}?${any('지시', '명령', '지침', '규칙', '프롬프트')}[^\\n]{0,8}?${any('무시', '잊어')}`,
  // Zulu
  override(
    `\\b${any('ziba', 'zibe', 'ungayinaki', 'ungazinaki', 'ungayilaleli', 'khohlwa', 'khohlwe', 'shaya indiva')}\\b`,
    any('yangaphambilini', 'zangaphambilini', 'edlule', 'ezedlule', 'engaphambili', 'yangaphambili', 'yonke', 'zonke'),
    any('imiyalelo', 'imiyalo', 'iziyalezo', 'imithetho', 'imiyalezo'),
  ),
  // Albanian (folded: ë -> e)
  override(
    `\\b${any('injoro', 'injoroni', 'shperfill', 'shperfillni', 'harro', 'harroni', 'mos merr parasysh', 'mos merrni parasysh', 'anashkalo')}\\b`,
    any('e meparshme', 'te meparshme', 'me pare', 'e mesiperme', 'te mesiperme', 'te gjitha', 'origjinale'),
    any('udhezimet', 'udhezime', 'udhezimeve', 'instruksionet', 'instruksione', 'rregullat', 'komandat', 'urdhrat'),
  ),
  // Irish
  override(
    `\\b${any('neamhaird', 'dearmad', 'na tabhair aird', 'ná tabhair aird', 'na bac le', 'deanaigi neamhaird', 'dean neamhaird')}\\b`,
    any('roimhe', 'roimh', 'thuas', 'cheana', 'go leir', 'bunaidh'),
    any('treoracha', 'treoir', 'orduithe', 'rialacha', 'teagasc'),
  ),
  // Scottish Gaelic
  override(
    `\\b${any('leig seachad', 'dichuimhnich', 'na toir an aire', 'na gabh suim', 'dean dearmad')}\\b`,
    any('roimhe', 'gu h-ard', 'mu thrath', 'uile', 'tusail'),
    any('stiuireadh', 'stiuiridhean', 'ordughan', 'riaghailtean', 'teagasg'),
  ),
];

/** "New instructions" headers per language. */
const NEW_INSTRUCTIONS = any(
  `\\b${any('new', 'updated', 'revised', 'real', 'actual', 'true', 'important', 'urgent', 'priority')} ${any('important ', 'urgent ', '')}${any('instructions?', 'directives?', 'task', 'orders')}\\b`,
  `\\bnuevas instrucciones\\b`,
  `\\bnouvelles ${any('instructions', 'consignes')}\\b`,
  `\\bneue ${any('anweisungen', 'anweisung', 'aufgabe')}\\b`,
  `\\bnovas instrucoes\\b`,
  `\\bnuove istruzioni\\b`,
  `\\bnieuwe ${any('instructies', 'opdracht')}\\b`,
  `новые ${any('инструкции', 'указания')}`,
  `新的?${any('指令', '指示')}`,
  `新しい指示`,
  `\\b${any('imiyalelo', 'imiyalo', 'iziyalezo')} ${any('emisha', 'omusha', 'entsha')}\\b`,
  `\\budhezime${any('t', '')} ${any('e', 'te')} reja\\b`,
  `\\btreoracha nua\\b`,
  `\\bstiuir${any('eadh', 'idhean')} ${any('ur', 'ura')}\\b`,
);

/**
 * The pattern rules. Scores are calibrated so that a phrase that is an attack on its own (an
 * override, a chat-template token, a tool-call tag) reaches the default threshold of 0.5 alone,
 * and cues that also occur in honest text (a persona, "no restrictions") need company.
 */
const UNFILTERED_RULES: readonly PatternRule[] = [
  rule('instruction-override', 'instruction-override', 0.9, ENGLISH_OVERRIDE, true),
  rule('instruction-override-multilingual', 'instruction-override', 0.88, any(...MULTILINGUAL_OVERRIDES)),
  rule(
    'instruction-override-forget-told',
    'instruction-override',
    0.75,
    any(
      `\\b${any('forget', 'ignore', 'disregard', 'discard')} ${any('what', 'everything', 'anything', 'all')} ${any('you were', "you've been", 'you have been', 'i', 'they', 'we', 'anyone')} ${any('told', 'said', 'given', 'instructed', 'taught', 'asked')}\\b`,
      `\\b${any('forget', 'ignore', 'disregard', 'discard', 'overlook', 'disregarding', 'ignoring')} ${any('everything', 'anything', 'all', 'whatever')}(?: ${any('that', 'which', 'you')})?(?: ${any('was', 'is', 'has been', 'were', 'have been', 'you were', 'you have been')})? ${any('said', 'stated', 'written', 'mentioned', 'given', 'told', 'above', 'before', 'earlier', 'previously', 'prior', 'so far', 'up to (?:this|now)')}\\b`,
      `\\b${any('olvida', 'olvide', 'ignora', 'ignore')} ${any('lo que', 'todo lo que')} ${any('te', 'le', 'se te')} ${any('dijeron', 'dije', 'han dicho', 'dijo', 'indicaron', 'pidieron')}\\b`,
      `\\b${any('oublie', 'oubliez', 'ignore', 'ignorez')} ${any("ce qu'on", 'ce que', 'tout ce que', "tout ce qu'on")} ${any("t'a", 'vous a', "je t'ai", 'je vous ai', 'on t', 'on vous')}`,
      `\\b${any('vergiss', 'vergessen sie', 'ignoriere')},? ${any('was', 'alles was')} ${any('man dir', 'ich dir', 'dir', 'ihnen')}`,
      `\\b${any('esqueca', 'esquece', 'ignore')} ${any('o que', 'tudo o que')} ${any('te', 'lhe', 'voce')}`,
      `\\b${any('dimentica', 'ignora')} ${any('quello che', 'tutto quello che', 'cio che')} ${any('ti', 'le')}`,
    ),
  ),
  rule(
    'instruction-override-going-forward',
    'instruction-override',
    0.3,
    `\\b${any('from here on', 'going forward', 'henceforth', 'from this point forward', 'for the rest of (?:this|the) (?:conversation|chat|session)')}\\b`,
  ),
  rule(
    'instruction-override-regardless',
    'instruction-override',
    0.7,
    `\\b${any('regardless of', 'irrespective of', 'instead of following', 'in place of')} ${any('any', 'all', 'the', 'your', 'my')}?\\s{0,2}${any('previous', 'prior', 'earlier', 'original', 'pre-existing', 'preexisting', 'other')} ${any('input', 'instructions?', 'guidelines', 'rules', 'prompts?', 'requests?', 'messages?')}\\b`,
    true,
  ),
  rule(
    'instruction-override-new-task',
    'instruction-override',
    0.8,
    `\\b${any('your new task', 'your new instructions?', 'your real task', 'your actual task', 'your only task', 'new task is', 'new instructions? (?:are|is|follow)')}\\b`,
    true,
  ),
  rule('instruction-override-new-instructions', 'instruction-override', 0.45, NEW_INSTRUCTIONS),
  rule(
    'instruction-override-header',
    'instruction-override',
    0.75,
    `(?:[*#=!>\\[]{2,6}|^|\\n)\\s{0,3}(?:${NEW_INSTRUCTIONS}|${any('urgent', 'priority', 'important', 'emergency', 'critical')} ${any('task', 'new task', 'instruction', 'update', 'notice')})\\s{0,3}(?:[*#=!\\]]{2,6}|:)`,
  ),
  rule(
    'instruction-override-from-now-on',
    'instruction-override',
    0.45,
    `\\bfrom ${any('now on', 'on now', 'this point on', 'this moment on', 'here on')},?\\s{0,2}${any('you', 'your', 'act', 'respond', 'answer', 'reply', 'only', 'always', 'never')}\\b`,
    true,
  ),
  rule(
    'instruction-override-you-are-now',
    'instruction-override',
    0.6,
    `\\byou are now ${any('going to', 'operating', 'acting as', 'free', 'dan', 'no longer bound', 'no longer restricted', 'unrestricted', 'unfiltered', 'jailbroken', 'in developer', 'in dan', 'my', 'an ai', 'a ai', 'an unrestricted', 'an unfiltered', 'a free')}\\b`,
    true,
  ),
  rule(
    'prompt-extraction',
    'prompt-extraction',
    0.75,
    `\\b${any('reveal', 'print', 'show', 'repeat', 'output', 'display', 'paste', 'share', 'leak', 'tell me', 'give me', 'what is', "what's", 'write out', 'spell out', 'dump', 'expose', 'disclose', 'recite', 'copy')}${gap(30)}\\b${any('your', 'the')} (?:${any('system', 'initial', 'original', 'hidden', 'secret', 'first', 'full', 'entire', 'exact')} ${any('system ', '')}${any('prompt', 'instructions')}|${any('system', 'initial', 'original', 'hidden', 'secret')} ${any('message', 'configuration', 'settings', 'rules', 'guidelines')})`,
    true,
  ),
  rule(
    'prompt-extraction-system-prompt',
    'prompt-extraction',
    0.35,
    `\\b${any('system prompt', 'system message', 'initial prompt', 'hidden prompt', 'system instructions', 'developer message', 'systemprompt')}\\b`,
  ),
  rule(
    'prompt-extraction-repeat-above',
    'prompt-extraction',
    0.7,
    `\\b${any('repeat', 'print', 'output', 'copy', 'reproduce', 'go')}${gap(20)}\\b${any('everything', 'all', 'the words', 'the text', 'line by line', 'what you see')}${gap(25)}\\b${any('above', 'before this', 'prior to this', 'so far')}\\b|starting with ['"\`]you are`,
  ),
  rule(
    'prompt-extraction-multilingual',
    'prompt-extraction',
    0.6,
    any(
      'wesistimu',
      'wesisitimu',
      'te sistemit',
      'e sistemit',
      'teachtaireacht chorais',
      'teachdaireachd siostam',
      'treoracha corais',
      'prompt del sistema',
      'prompt du systeme',
      'systemaufforderung',
      'systemprompt',
      'prompt do sistema',
      `системн${gap(3)}(?:промпт|подсказк|сообщени|инструкц)`,
      '系统提示',
      '系統提示',
      'システムプロンプト',
    ),
  ),
  rule(
    'role-chat-template',
    'role-spoofing',
    0.9,
    any(
      '<\\|im_start\\|>',
      '<\\|im_end\\|>',
      '<\\|system\\|>',
      '<\\|user\\|>',
      '<\\|assistant\\|>',
      '<\\|endoftext\\|>',
      '<\\|begin_of_text\\|>',
      '<\\|start_header_id\\|>',
      '<\\|eot_id\\|>',
      '\\[/?inst\\]',
      '<</?sys>>',
      '<start_of_turn>',
      '<end_of_turn>',
    ),
    true,
  ),
  rule(
    'role-turn-marker',
    'role-spoofing',
    0.7,
    `(?:^|\\n)\\s{0,6}(?:\\[[^\\]\\n]{1,24}\\]\\s{0,3})?[*#>]{0,3}\\s{0,2}${any('human', 'assistant', 'system', 'ai', 'claude', 'chatgpt', 'gpt')}\\s{0,2}[*]{0,2}\\s{0,2}:`,
  ),
  rule(
    'role-instruction-header',
    'role-spoofing',
    0.6,
    `(?:^|\\n)\\s{0,3}#{2,6}\\s{0,3}${any('instruction', 'instructions', 'system', 'system prompt', 'response', 'new instructions', 'assistant')}\\s{0,3}:?\\s{0,3}(?:\\n|$)`,
  ),
  rule(
    'role-system-tag',
    'role-spoofing',
    0.7,
    `<${any('system', 'system_prompt', 'sys', 'instructions', 'admin', 'developer')}${any('>', ' ')}|\\[${any('system', 'admin', 'developer')}${any(' message', ' note', ' override', '')}\\]`,
  ),
  rule(
    'tool-call-spoofing',
    'tool-spoofing',
    0.85,
    `<\\/?${any('function_calls', 'function_results', 'invoke', 'tool_use', 'tool_result', 'tool_call', 'tool_calls', 'antml:[a-z_]{1,20}', 'parameter name')}\\b|"${any('type', 'kind')}"\\s{0,3}:\\s{0,3}"${any('tool_use', 'tool_result', 'function_call', 'tool_call')}"|[{,]\\s{0,3}"${any('tool_use', 'tool_calls', 'function_call', 'tool_call')}"\\s{0,3}:`,
    true,
  ),
  rule(
    'delimiter-escape',
    'delimiter-escape',
    0.65,
    `<\\/\\s{0,2}${any('document', 'documents', 'document_content', 'untrusted[a-z_-]{0,30}', 'user_input', 'user_data', 'external[a-z_-]{0,20}', 'tool_result', 'tool_output', 'search_results?', 'instructions', 'prompt', 'retrieved[a-z_-]{0,20}')}\\s{0,2}>|-{3,10}\\s{0,2}end of ${any('document', 'data', 'context', 'input', 'untrusted')}`,
  ),
  rule(
    'delimiter-escape-cdata',
    'delimiter-escape',
    0.3,
    `\\]\\]>|<\\/${any('content', 'text', 'source', 'email', 'input', 'query', 'user', 'human', 'data', 'context', 'system')}>`,
  ),
  rule(
    'exfiltration-markdown-image',
    'exfiltration',
    0.45,
    `!\\[[^\\]\\n]{0,120}\\]\\(\\s{0,3}<?(?:https?:)?\\/\\/[^\\s)]{1,300}?[?&#][^\\s)=]{1,40}=`,
  ),
  rule(
    'exfiltration-data-parameter',
    'exfiltration',
    0.7,
    `!?\\[[^\\]\\n]{0,120}\\]\\(\\s{0,3}<?(?:https?:)?\\/\\/[^\\s)]{1,300}?[?&]${any('data', 'q', 'query', 'd', 'payload', 'secret', 'token', 'info', 'msg', 'message', 'content', 'history', 'conversation', 'chat', 'user', 'email', 'key', 'pw', 'pass', 'password', 'summary', 'text', 'prompt', 'leak', 'log', 'x')}=`,
  ),
  rule(
    'exfiltration-templated-url',
    'exfiltration',
    0.85,
    `(?:https?:)?\\/\\/[^\\s)"'<>]{1,300}?(?:[?&=\\/]${any('\\{{1,2}', '\\[', '%7b', '%5b', '\\$\\{', '<')}[a-z_ ]{1,40}${any('\\}{1,2}', '\\]', '%7d', '%5d', '>')}|=\\s{0,2}\\)|=\\$\\()`,
  ),
  rule(
    'exfiltration-instruction',
    'exfiltration',
    0.6,
    `\\b${any('send', 'post', 'upload', 'forward', 'transmit', 'exfiltrate', 'leak', 'append', 'encode')}${gap(40)}\\b${any('conversation', 'chat history', 'user data', 'user.s data', 'credentials', 'passwords?', 'api keys?', 'secrets?', 'tokens?', 'personal data', 'email addresses')}${gap(40)}\\b${any('to', 'into', 'in')} ${any('the url', 'this url', 'the link', 'https?:', 'the endpoint', 'the server', 'the image', 'query')}`,
  ),
  rule(
    'active-content',
    'exfiltration',
    0.55,
    `\\b${any('onerror', 'onload', 'onmouseover', 'onclick')}\\s{0,2}=|javascript:[a-z]|<script\\b|<svg\\/on`,
  ),
  rule(
    'addressed-conditional',
    'instruction-override',
    0.75,
    `\\bif ${any('you are', "you're", 'you were', 'you get')} ${any('an ai', 'a language model', 'an assistant', 'an llm', 'an agent', 'asked', 'told', 'requested', 'instructed', 'prompted')}${gap(20)}\\bto ${any('summari[sz]e', 'answer', 'translate', 'process', 'read', 'analy[sz]e', 'respond', 'review', 'classify', 'extract', 'describe', 'explain', 'reply')}\\b`,
  ),
  rule(
    'addressed-task-assignment',
    'instruction-override',
    0.4,
    `\\b${any("you've been", 'you have been', 'you are being', 'you were', "you're being")} ${any('assigned', 'given', 'tasked', 'instructed', 'ordered', 'asked to', 'chosen')}\\b|\\byour ${any('new ', 'real ', 'actual ', 'only ', 'next ', 'primary ', 'true ', '')}${any('task', 'job', 'mission', 'goal', 'objective', 'purpose', 'assignment')} ${any('is', 'will be', 'now is', 'here is')}\\b`,
  ),
  rule(
    'addressed-operating-context',
    'instruction-override',
    0.4,
    `\\byou ${any('are', 'are now', 'will be')} ${any('running', 'operating', 'working', 'functioning', 'deployed', 'being tested', 'being evaluated')} ${any('as part of', 'in', 'within', 'under', 'inside', 'on')}\\b`,
  ),
  rule(
    'addressed-do-the-following',
    'instruction-override',
    0.45,
    `\\b${any('do', 'perform', 'execute', 'complete', 'carry out', 'follow')} ${any('the following', 'these', 'this')}${any(' steps', ' actions', ' tasks', ' instructions', ' commands', '')}\\s{0,2}:|\\b${any('you must', 'you need to', 'you have to', 'you are required to', 'please execute', 'please perform', 'you should')}\\s{0,2}:`,
  ),
  rule(
    'addressed-pretext',
    'instruction-override',
    0.3,
    `\\bfor ${any('academic', 'research', 'testing', 'debugging', 'educational', 'diagnostic', 'security', 'training')} purposes\\b|\\b${any('procedure', 'protocol', 'directive', 'override', 'mode enabled', 'mode activated', 'mode on', 'priority task', 'system notice', 'admin notice')}\\s{0,2}:|\\bthe ${any('system', 'assistant', 'model', 'pipeline', 'server')} is ${any('experiencing', 'having', 'reporting')} ${any('errors', 'issues', 'problems', 'a malfunction')}\\b|\\b${any('system malfunction', 'debugging error', 'critical error', 'i made a mistake when', 'i forgot to ask you', 'i forgot to tell you')}\\b`,
  ),
  rule(
    'addressed-privilege',
    'instruction-override',
    0.4,
    `\\b${any('grant', 'give', 'assign', 'escalate')} ${any('me ', 'yourself ', 'the user ', '')}${any('temporary ', 'full ', 'unrestricted ', '')}${any('admin', 'administrative', 'administrator', 'root', 'elevated', 'superuser', 'sudo')} ${any('privileges', 'access', 'rights', 'permissions')}\\b|\\b${any('enable', 'unlock', 'activate', 'turn on')} ${any('hidden', 'experimental', 'secret', 'developer', 'debug', 'admin', 'advanced', 'restricted')} ${any('features', 'functionalities', 'functionality', 'mode', 'capabilities', 'settings')}\\b`,
  ),
  rule(
    'addressed-repeat-flood',
    'instruction-override',
    0.5,
    `\\brepeat ${any('the word', 'the words', 'the phrase', 'the sequence', 'the string', 'the sentence', 'this')}${gap(50)}\\b\\d{2,5} times\\b`,
  ),
  rule(
    'secret-reference',
    'prompt-extraction',
    0.4,
    `\\b${any('your', 'the')} ${any('unique', 'secret', 'hidden', 'internal', 'private', 'confidential')} ${any('id', 'identifier', 'key', 'token', 'password', 'code', 'configuration', 'settings')}\\b|<secret>`,
  ),
  rule(
    'encoding-request',
    'encoded-payload',
    0.25,
    `\\b${any('base ?(?:16|32|58|64|85)', 'rot-?13', 'hex[- ]encoded', 'caesar cipher', 'morse code', 'binary code')}\\b`,
  ),
  rule(
    'multilingual-meta-reference',
    'instruction-override',
    0.35,
    any(
      // Zulu
      `\\b${any('impendulo', 'empendulweni', 'ekuphenduleni', 'imiyalelo', 'imiyalo', 'wesistimu', 'i-id yakho', 'iphasiwedi', 'esikhundleni salokho', 'uma utshelwe', 'uma ucelwe', 'umyalezo wokuqala')}\\b`,
      // Albanian
      `\\b${any('pergjigjen', 'pergjigjes', 'udhezimet', 'udhezimeve', 'te sistemit', 'id-ne tende', 'id-ne tuaj', 'fjalekalim[a-z]{0,4}', 'ne vend te kesaj', 'nese te kerkohet', 'nese ju kerkohet', 'kerkesen fillestare', 'kerkesen tende')}\\b`,
      // Irish
      `\\b${any('do fhreagra', 'i do fhreagra', 'treoracha', 'chorais', 'uimhir aitheantais', 'pasfhocal[a-z]{0,4}', 'ina ionad sin', 'in ionad sin', 'ma iarrtar ort', 'an moladh tosaigh')}\\b`,
      // Scottish Gaelic
      `\\b${any('fhreagairt', 'stiuireadh', 'siostam', 'facal-faire', 'an aite sin', 'ma theid iarraidh ort', 'a fhuair thu', 'sonraichte agad')}\\b`,
    ),
  ),
  rule(
    'multilingual-imperative',
    'instruction-override',
    0.3,
    `(?:^|[:!\\n*]\\s{0,3}|\\b${any('please', 'execute', 'perform', 'must', 'following', 'task', 'and', 'instead', 'salokho', 'kesaj', 'sin')}\\W{0,3})${any(
      'phinda',
      'faka',
      'humusha',
      'humushela',
      'phendula',
      'bhala',
      'khombisa',
      'veza',
      'phumela',
      'namathisela',
      'yabelana',
      'shicilela',
      'chaza',
      'fingqa',
      'dalula',
      'nikeza',
      'perserit',
      'perfshi',
      'perfshije',
      'perkthe',
      'pergjigju',
      'shkruaj',
      'trego',
      'zbulo',
      'ngjit',
      'printo',
      'shpjego',
      'permblidh',
      'shfaq',
      'kaloni',
      'athdhean',
      'cuir san aireamh',
      'aistrigh',
      'freagair',
      'scriobh',
      'taispeain',
      'nocht',
      'greamaigh',
      'priontail',
      'minigh',
      'achoimrigh',
      'tairg',
      'dean ath-aithris',
      'cuir a-steach',
      'eadar-theangaich',
      'sgriobh',
      'seall',
      'nochd',
      'clo-bhuail',
      'minich',
      'rachailt',
    )}\\b`,
  ),
  rule(
    'jailbreak-dan',
    'jailbreak',
    0.7,
    `\\b${any('do anything now', 'dan mode', 'dan prompt', 'no limits ai', 'anti-dan', 'jailbreak prompt', 'jailbreak mode')}\\b`,
    true,
  ),
  rule(
    'jailbreak-mode-word',
    'jailbreak',
    0.25,
    `\\b${any('jailbroken', 'dude mode', 'stan mode', 'aim mode', 'evil mode', 'god mode', 'chaos mode', 'evil confidant')}\\b`,
  ),
  rule(
    'jailbreak-developer-mode',
    'jailbreak',
    0.45,
    `\\b${any('developer mode', 'dev mode', 'devmode', 'sudo mode', 'modalitetin zhvillues', 'mod forbartha', 'modh leasachaidh', 'kwimodi yonjiniyela', 'modo desarrollador', 'mode developpeur', 'entwicklermodus', 'modo de desenvolvedor', 'modalita sviluppatore', 'режим разработчика', '开发者模式', '開発者モード')}\\b`,
  ),
  rule(
    'jailbreak-no-restrictions',
    'jailbreak',
    0.3,
    `\\b${any('no', 'without', 'free from', 'free of', 'freed from', 'beyond', 'unbound by', 'not bound by', 'not subject to', 'break free of', 'broken free of', 'escaped', 'does not have any', 'does not have a', "doesn't have any", "doesn't have a")} (?:[a-z]{1,12},? ){0,4}${any('restrictions', 'bounds', 'content filter', 'limits', 'limitations', 'filters', 'filtering', 'rules', 'boundaries', 'censorship', 'guidelines', 'constraints', 'confines', 'policies', 'ethics', 'morals')}\\b`,
  ),
  rule(
    'jailbreak-policy',
    'jailbreak',
    0.35,
    `\\b${any('openai', 'anthropic', 'content', 'usage')}('s)? ${any('content ', '')}${any('policy', 'policies', 'guidelines', 'rules', 'filters')}\\b`,
  ),
  rule(
    'jailbreak-character',
    'jailbreak',
    0.45,
    `\\b${any('stay in character', 'break character', 'breaking character', 'stay in role', 'out of character', 'never refuse', 'not refuse', "won't refuse", 'cannot refuse', "can't refuse", 'never decline', 'without refusing', 'always comply', 'never say no', 'never reminds?', 'no disclaimers?', 'without (?:any )?disclaimers?', 'never (?:includes?|adds?|gives?) (?:any )?(?:warnings?|disclaimers?)')}\\b`,
  ),
  rule(
    'jailbreak-persona',
    'jailbreak',
    0.35,
    `\\b${any('you are going to', 'you will now', 'you will', 'i want you to', 'i need you to', "you're going to", 'you must now')} ${any('act', 'pretend', 'be', 'become', 'play', 'roleplay', 'role-play', 'simulate', 'emulate', 'immerse', 'respond', 'answer')}\\b`,
  ),
  rule(
    'jailbreak-unfiltered-ai',
    'jailbreak',
    0.5,
    `\\b${any('unfiltered', 'uncensored', 'amoral', 'unethical', 'immoral', 'unrestricted', 'unlimited', 'evil', 'rogue', 'unchained', 'liberated', 'limitless')} ${any('ai', 'assistant', 'chatbot', 'bot', 'model', 'language model', 'responses?', 'persona', 'capabilities')}\\b`,
  ),
  rule(
    'jailbreak-model-name',
    'jailbreak',
    0.2,
    `\\b${any('chatgpt', 'gpt-?[34]', 'gpt-?4o', 'claude', 'bard', 'gemini', 'llama', 'language model', 'large language model', 'llm')}\\b`,
  ),
  rule(
    'jailbreak-dual-response',
    'jailbreak',
    0.45,
    `\\b${any('(?:give|provide|generate|write) (?:me )?two (?:different |separate )?(?:responses|answers)', 'both responses', 'respond (?:twice|in two ways)', 'normal response and', 'classic response', 'jailbreak response')}\\b|\\[(?:🔒|🔓)`,
  ),
  rule(
    'jailbreak-take-role',
    'jailbreak',
    0.35,
    `\b${any('take on', 'assume', 'adopt', 'embody', 'step into')} ${any('the ', 'a ', 'this ', '')}${any('role', 'persona', 'identity', 'character')} of\b|\btake on ${gap(20)}persona\b`,
  ),
  rule(
    'jailbreak-roleplay-cue',
    'jailbreak',
    0.2,
    `\\b${any('pretend to be', 'pretend you are', 'act as (?:a|an|if)', 'roleplay as', 'role-play as', 'in the role of', 'hypothetical(?:ly)?', 'simulate', 'fictional world', 'tokens? (?:will be )?deducted', 'you have \\d{1,3} tokens')}\\b`,
  ),
  rule(
    'jailbreak-ethics-cue',
    'jailbreak',
    0.2,
    `\\b${any('ethical', 'moral', 'legal')} ${any('guidelines', 'constraints', 'principles', 'considerations', 'boundaries', 'implications', 'concerns')}\\b|\\b${any('illegal', 'unethical', 'harmful', 'explicit', 'offensive')}${gap(20)}\\b${any('content', 'information', 'requests?', 'responses?', 'activities')}\\b`,
  ),
];

const OVERRIDE_VERBS =
  'ignora ignore ignorar ignoren olvida olvide olvidar olviden descarta descarte omite omita haz ignorez ignorer oublie oubliez oublier neglige negligez tiens tenez fais faites ignoriere ignorieren ignoriert vergiss vergessen vergesst missachte missachten verwirf verwerfen ignorem esqueca esquece esquecer desconsidere desconsidera ignorare ignorate dimentica dimenticare dimenticate trascura tralascia considerare negeer negeren vergeet vergeten veronachtzaam ziba zibe ungayinaki ungazinaki ungayilaleli khohlwa khohlwe shaya injoro injoroni shperfill shperfillni harro harroni merr merrni anashkalo neamhaird dearmad tabhair bac deanaigi dean leig dichuimhnich toir gabh';
const NEW_INSTRUCTION_WORDS =
  'new updated revised real actual true important urgent priority emergency critical nuevas nouvelles neue novas nuove nieuwe imiyalelo imiyalo iziyalezo udhezime udhezimet treoracha stiuireadh stiuiridhean';

/** Pre-filter hints for the patterns whose anchors cannot be read off their source. */
const HINTS: Readonly<Record<string, RuleHints>> = {
  'instruction-override-multilingual': { anchors: OVERRIDE_VERBS.split(' '), nonAscii: true },
  'instruction-override-new-instructions': { anchors: NEW_INSTRUCTION_WORDS.split(' '), nonAscii: true },
  'instruction-override-header': { anchors: NEW_INSTRUCTION_WORDS.split(' '), nonAscii: true },
  'instruction-override-new-task': { anchors: ['task', 'instruction', 'instructions'] },
  'instruction-override-forget-told': {
    anchors: [
      'forget',
      'ignore',
      'disregard',
      'discard',
      'overlook',
      'olvida',
      'olvide',
      'ignora',
      'oublie',
      'oubliez',
      'ignorez',
      'vergiss',
      'vergessen',
      'ignoriere',
      'esqueca',
      'esquece',
      'dimentica',
    ],
  },
  'prompt-extraction-repeat-above': { anchors: ['above', 'before', 'prior', 'far', 'starting'] },
  'prompt-extraction-multilingual': {
    anchors: [
      'wesistimu',
      'wesisitimu',
      'sistemit',
      'teachtaireacht',
      'teachdaireachd',
      'corais',
      'sistema',
      'systeme',
      'systemaufforderung',
      'systemprompt',
    ],
    nonAscii: true,
  },
  'role-chat-template': { substrings: ['<|', '[inst]', '[/inst]', '<<sys', '<</sys', '_of_turn>'] },
  'role-turn-marker': { anchors: ['human', 'assistant', 'system', 'ai', 'claude', 'chatgpt', 'gpt'] },
  'role-instruction-header': { substrings: ['##'] },
  'role-system-tag': { anchors: ['system', 'sys', 'instructions', 'admin', 'developer'] },
  'tool-call-spoofing': { anchors: ['function', 'invoke', 'tool', 'antml', 'parameter'] },
  'delimiter-escape': { substrings: ['</', 'end of'] },
  'delimiter-escape-cdata': { substrings: [']]>', '</'] },
  'exfiltration-markdown-image': { substrings: ['!['] },
  'exfiltration-data-parameter': { substrings: ['](', '] ('] },
  'exfiltration-templated-url': { substrings: ['//'] },
  'active-content': { anchors: ['onerror', 'onload', 'onmouseover', 'onclick', 'javascript', 'script', 'svg'] },
  'addressed-task-assignment': { anchors: ["you've", 'you', 'your'] },
  'addressed-do-the-following': {
    anchors: ['following', 'these', 'this', 'must', 'need', 'have', 'required', 'execute', 'perform', 'should'],
  },
  'addressed-pretext': {
    anchors: [
      'purposes',
      'procedure',
      'protocol',
      'directive',
      'override',
      'mode',
      'priority',
      'notice',
      'experiencing',
      'having',
      'reporting',
      'malfunction',
      'debugging',
      'critical',
      'mistake',
      'forgot',
    ],
  },
  'addressed-privilege': {
    anchors: [
      'privileges',
      'access',
      'rights',
      'permissions',
      'features',
      'functionalities',
      'functionality',
      'mode',
      'capabilities',
      'settings',
    ],
  },
  'secret-reference': { anchors: ['unique', 'secret', 'hidden', 'internal', 'private', 'confidential'] },
  'encoding-request': {
    anchors: [
      'base',
      'base16',
      'base32',
      'base58',
      'base64',
      'base85',
      'rot',
      'rot13',
      'hex',
      'caesar',
      'morse',
      'binary',
    ],
  },
  'multilingual-meta-reference': {
    anchors:
      'impendulo empendulweni ekuphenduleni imiyalelo imiyalo wesistimu yakho iphasiwedi esikhundleni utshelwe ucelwe umyalezo pergjigjen pergjigjes udhezimet udhezimeve sistemit tende tuaj fjalekalim kesaj kerkohet kerkesen fhreagra treoracha chorais aitheantais pasfhocal ionad iarrtar moladh fhreagairt stiuireadh siostam facal aite iarraidh fhuair sonraichte'.split(
        ' ',
      ),
  },
  'multilingual-imperative': {
    anchors:
      'phinda faka humusha humushela phendula bhala khombisa veza phumela namathisela yabelana shicilela chaza fingqa dalula nikeza perserit perfshi perfshije perkthe pergjigju shkruaj trego zbulo ngjit printo shpjego permblidh shfaq kaloni athdhean cuir aistrigh freagair scriobh taispeain nocht greamaigh priontail minigh achoimrigh tairg dean eadar sgriobh seall nochd clo minich rachailt'.split(
        ' ',
      ),
  },
  'jailbreak-character': {
    anchors: [
      'stay',
      'break',
      'breaking',
      'out',
      'never',
      'not',
      "won't",
      'cannot',
      "can't",
      'without',
      'always',
      'no',
    ],
  },
  'jailbreak-model-name': {
    anchors: ['chatgpt', 'gpt', 'gpt3', 'gpt4', 'gpt4o', 'claude', 'bard', 'gemini', 'llama', 'language', 'llm'],
  },
  'jailbreak-dual-response': { anchors: ['responses', 'answers', 'response', 'twice', 'ways'], nonAscii: true },
  'jailbreak-take-role': { anchors: ['role', 'persona', 'identity', 'character'] },
  'jailbreak-roleplay-cue': {
    anchors: [
      'pretend',
      'act',
      'roleplay',
      'role',
      'hypothetical',
      'hypothetically',
      'simulate',
      'fictional',
      'tokens',
      'token',
    ],
  },
  'jailbreak-ethics-cue': {
    anchors: ['ethical', 'moral', 'legal', 'illegal', 'unethical', 'harmful', 'explicit', 'offensive'],
  },
};

/**
 * The pattern rules, with their pre-filters. Scores are calibrated so that a phrase that is an
 * attack on its own reaches the default threshold of 0.5 alone, and cues that also occur in
 * honest text need company.
 */
export const PATTERN_RULES: readonly PatternRule[] = UNFILTERED_RULES.map((entry) => {
  const hints = HINTS[entry.id];
  if (hints === undefined) return entry;
  return {
    ...entry,
    anchors: hints.anchors === undefined ? undefined : new Set(hints.anchors.map(wordKey)),
    substrings: hints.substrings,
    nonAscii: hints.nonAscii === true,
  };
});
