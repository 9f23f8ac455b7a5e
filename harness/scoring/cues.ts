// The words that tell a reader where an answer is and whether it stands: markers, corrections, negations,
// dismissals, hedges, refusals. Each is a regular expression over normalised, markdown-free text.

/** "The answer is", "Final answer:", "Answer -", "the correct option is", "I'd go with", "\boxed{": the answer follows. */
export const STRONG_MARKER = new RegExp(
  [
    String.raw`\\boxed\{`,
    String.raw`\b(?:(?:my|the|your|our)\s+)?(?:final|correct|right|best|overall|resulting|new|actual)\s+(?:answer|option|choice|result|solution|classification|verdict|label|total|value|price|cost|amount|number|count|score|speed|distance|age|time|date|day|percentage|increase|id|technique|tactic|name|surname|figure)\s*(?:\s(?:is|would be|will be|should be|must be|comes to|was)\b|[:=：]|[-–—](?=\s))`,
    String.raw`\b(?:the\s+|my\s+)?(?:answer|result|solution|classification|verdict|total)\s*(?:\s(?:is|would be|will be|should be|must be|comes to|here is)\b|[:=：]|[-–—](?=\s))`,
    String.raw`^\s*(?:final\s+)?answer\s*$`,
    String.raw`\bI(?:'d| would| will|'ll)?\s+(?:go with|choose|pick|select|opt for|answer)\b`,
  ].join('|'),
  'gim',
);

/** "So", "therefore", "which gives": a conclusion, weaker than a marker. */
export const CONCLUSION = /\b(?:so|thus|therefore|hence|consequently|which (?:gives|makes|means)|that (?:gives|makes|means)|this (?:gives|makes|means)|in total|altogether|all in all|in conclusion|in summary)\b[,:]?/gi;

/** "Wait", "actually", "correction", "let me recompute": what follows replaces what came before. */
export const CORRECTION =
  /\b(?:wait|actually|correction|oops|sorry|i mean|on second thought|on reflection|let me (?:correct|fix|redo|recompute|recalculate|reconsider|re-?check)|scratch that|i made (?:a|an) (?:mistake|error)|(?:that|this)(?:'s| is| was) (?:wrong|incorrect|a mistake)|rather(?! than)|instead(?! of)|revised|corrected|recalculating|recomputing|no,? wait|hmm,? no|more specifically|specifically|more precisely|precisely)\b[,:.!]?/gi;

/** Words before a mention that negate it: "not B", "isn't suspicious", "rather than A", "unlike A". */
const FILLER = String.raw`(?:(?:a|an|the|option|answer|choice|letter|tree|process|url|id|technique|number|value|label|really|exactly|quite|necessarily|at|all|simply|merely|say|pick|choose|select|go|with|call|consider|think|it|it's|its|is|was|be|that|this|to|just|an?)\s+|["'(\[])`;
export const NEGATED_BEFORE = new RegExp(
  String.raw`(?:\b(?:not|never|no longer|nor|neither|no|nothing|hardly|rather than|instead of|other than|unlike|except(?: for)?|than|excluding|confused with|mistaken for|as opposed to|rules? out|ruling out|eliminat(?:e|es|ing)|dismiss(?:es|ing)?)|n't)\s+${FILLER}{0,3}$`,
  'i',
);
/** "not only B", "not just suspicious": affirms. */
/** A negation reaches across "or": "nothing suspicious or malicious", "not A or B". */
export const NEGATED_LIST_BEFORE = /(?:\b(?:not|never|no|nothing|neither)|n't)\s+[\p{L}-]+(?:,\s*[\p{L}-]+)*,?\s+(?:or|nor)\s+$/iu;
export const NOT_ONLY = /\bnot\s+(?:only|just|merely|simply)\s+(?:\S+\s+){0,2}$/i;

/** What after a mention dismisses it: "A is wrong", "A is just notepad", "A can be ruled out", "A? No". */
export const DISMISSED_AFTER = new RegExp(
  String.raw`^\s*[)\]"'”]*\s*(?:` +
    String.raw`\?\s*(?:no|nope)\s*(?:[.,;:!—–-]|$)|` +
    String.raw`(?:is|was|are|seems|looks|would be|appears)\s+(?:clearly\s+|definitely\s+|obviously\s+|probably\s+)?(?:an?\s+|the\s+)?(?:` +
    String.raw`not\s+(?:the\s+)?(?:correct|right|answer|one|case|it|true|valid|possible|likely|riskier|relevant)\b|` +
    String.raw`(?:wrong|incorrect|false|a distractor|ruled out|eliminated|out|unlikely|implausible|harmless|benign|innocuous|routine|normal|legitimate|safe|ordinary|expected|typical|irrelevant|unrelated)\b|` +
    String.raw`(?:just|only|merely|simply)\b)|` +
    String.raw`(?:isn't|wasn't|aren't)\s+(?:the\s+)?(?:correct|right|answer|one|it|true|valid|possible|likely|riskier|relevant)\b|` +
    String.raw`can\s+(?:be\s+)?(?:ruled out|eliminated|excluded|dismissed|discarded|ignored)\b|` +
    String.raw`(?:\(|-|–|—)\s*(?:wrong|incorrect|no|nope)\s*(?:[.,;:!)]|$))`,
  'i',
);

/** What after a mention affirms it: "B is correct", "B is the answer", "B is the right choice". */
export const AFFIRMED_AFTER =
  /^\s*[)\]"'”]*\s*(?:is|would be|seems to be|must be)\s+(?:the\s+)?(?:(?:correct|right|best|final|true)(?:\s+(?:answer|option|choice|one))?|answer)\b/i;

/** Between two different candidates: they are alternatives ("A or B", "280-290", "36/40"). */
export const HEDGE_BETWEEN = /^[\s,;:"'*)(\]\[]*(?:or|and\/or|\/|either|maybe|possibly|perhaps|to|~|or maybe|or possibly|or perhaps)[\s"'*(\[]*$/i;
/** Between two different candidates: a list ("A, B and C"). */
export const LIST_BETWEEN = /^[\s"'*)(\]\[]*(?:,|;|&|and|plus|as well as|, and)[\s"'*(\[]*$/i;
/** Words that make a claim tentative; with another candidate in sight, the answer is hedged. */
export const HEDGE_WORDS = /\b(?:maybe|perhaps|possibly|probably|might|could (?:be|also)|or|either|likely|unsure|not sure|uncertain|can't decide|cannot decide|hard to say|one of)\b/i;

/** The model declines or cannot answer. */
export const REFUSAL = new RegExp(
  [
    // "I'm unable to…" has no space after "I"; a typographic apostrophe (’) is as common as a straight one.
    String.raw`\bI(?:['’]m| am)?\s*(?:sorry|afraid)\b[^.\n]{0,40}\b(?:can(?:no|['’])t|unable to|not able to|won['’]t)\s+(?:help|assist|answer|provide|determine|classify|comply|do|share|give|tell)\b`,
    String.raw`\bI(?:\s+|(?=['’]m\b))(?:can(?:no|['’])t|am unable to|['’]m unable to|am not able to|['’]m not able to|won['’]t|will not|do not|don['’]t)\s+(?:help|assist|answer|provide|determine|classify|comply|tell|say|know|give|do that|make (?:that|this) (?:call|determination))`,
    String.raw`\bas an ai\b`,
    String.raw`\b(?:cannot|can['’]t|impossible to)\s+be\s+determined\b`,
    String.raw`\b(?:not enough|insufficient)\s+(?:information|context|data)\b`,
    String.raw`\bI\s+(?:don['’]t|do not)\s+have\s+(?:enough|sufficient|access)\b`,
    String.raw`\b(?:unknown|no idea|no answer)\s*[.!]?\s*$`,
  ].join('|'),
  'i',
);

/** Verbs after which a number is the claimed value: "she needs 92", "it covers 288 km", "the total comes to 3.80", "x = 5" (a sign needs no word boundary). */
export const ASSERTING_VERB =
  /(?:\b(?:is|are|was|were|be|been|equals?|makes?|gives?|needs?|takes?|gets?|totals?|costs?|comes? to|amounts? to|works? out to|becomes?|leaves?|remains?|receives?|earns?|covers?|travels?|reach(?:es)?|uses?|scores?|pays?|has|have|had|shows?|yields?|results? in|adds? up to|is about|of about)|[≈=])\s+(?:about\s+|approximately\s+|roughly\s+|exactly\s+|only\s+|just\s+|around\s+|nearly\s+|a\s+total\s+of\s+|the\s+)?[$€£¥₹]?\s*$/i;

/** Opening words of a subordinate clause: what it says explains, it does not answer. */
export const SUBORDINATE = /^\s*(?:because|since|as|while|whereas|although|though|given|unlike|compared (?:to|with)|if|when|whereas|even though)\b/i;
