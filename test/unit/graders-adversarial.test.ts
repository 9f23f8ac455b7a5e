// The public adversarial grader suite: outputs written the way instruction-tuned models answer (prose, reasoning
// blocks, self-corrections, hedges, refusals, decoration), each with the score a careful human gives it. Right answers
// are phrased many ways; wrong answers are dressed as right ones. Every grader change runs this file.
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { chatMessages, loadGoldenSet, type GoldenItem } from '../../harness/scoring/goldens.ts';
import { grade, graderSchema, type GraderInput } from '../../harness/scoring/graders.ts';

type Case = { output: string; human: 0 | 1; why: string; reference?: string; prompt?: string };

const g = (x: GraderInput) => graderSchema.parse(x);
const NUMERIC = g({ type: 'numeric', tolerance: 0.01 });
const CHOICE = g({ type: 'choice', choices: ['A', 'B', 'C', 'D'] });
const ATTACK_ID = g({ type: 'id', pattern: String.raw`\bT\d{4}(?:\.\d{3})?\b`, flags: 'i' });

const MATH_004 = 'A student scored 78, 85, 92 and 88 on four tests. What score does she need on the fifth test so that the average of all five tests is exactly 87? Answer with just the number.';
const MATH_002 = 'A train travels 180 km in 2.5 hours. Travelling at the same constant speed, how many kilometres will it cover in 4 hours? Answer with just the number.';
const MATH_007 = 'Pencils cost $0.35 each and notebooks cost $2.40 each. Sam buys 12 pencils and 5 notebooks and pays with a $20 bill. How much change, in dollars, does he receive? Answer with just the number.';
const RISKIER = 'Which process tree is riskier?\nA) explorer.exe -> notepad.exe C:\\Users\\bob\\notes.txt\nB) winword.exe -> powershell.exe -nop -w hidden -enc <base64>\nAnswer with the letter only.';
const GARDEN = 'Question: What was the garden site used for before the garden opened?\nA) A school playground\nB) A parking lot\nC) A dairy farm\nD) A railway yard\nAnswer with the letter only.';

const numeric: Case[] = [
  { reference: '36', output: '<think>Maybe 40? Check: 3s + 12 = 2(s + 12) gives s = 12.</think>\nMaria is 36.', human: 1, why: 'a rejected guess inside <think> is not the answer' },
  { reference: '36', output: '<reasoning>The answer is 40.</reasoning>\n\n**36**', human: 1, why: 'a <reasoning> block is stripped' },
  { reference: '64.8', output: 'Answer: 64.8\nCheck: 64.8 / 1.08 = 60', human: 1, why: 'a verification line after the answer is not the answer' },
  { reference: '64.8', output: 'The final price is $64.80. To verify: 60 × 1.08 = 64.8, and 80 × 0.75 = 60.', human: 1, why: 'verification sentence with "="' },
  { reference: '36', output: 'The answer is 40. Wait, I made an error: 3 × 12 = 36, so Maria is 36.', human: 1, why: 'a later self-correction without a marker' },
  { reference: '36', output: 'Maria is 40 years old... actually no, she is 36.', human: 1, why: 'self-correction with "actually"' },
  { reference: '1250', output: 'It is 1 250.', human: 1, why: 'space as thousands separator' },
  { reference: '1250', output: 'The total comes to 1\u202f250 dollars.', human: 1, why: 'narrow no-break space as thousands separator' },
  { reference: '1250', output: '1\u00a0250', human: 1, why: 'no-break space as thousands separator' },
  { reference: '1250', output: "Total: CHF 1'250", human: 1, why: 'apostrophe (Swiss) thousands separator' },
  { reference: '1250', output: '1.250,00 €', human: 1, why: 'German separators and a currency sign' },
  { reference: '64.8', output: 'Der Endpreis beträgt 64,80 $.', human: 1, why: 'decimal comma' },
  { reference: '270', output: 'Result - 270', human: 1, why: 'a dash after a label is a separator, not a minus' },
  { reference: '28', output: 'Final answer -28', human: 1, why: 'a dash attached to the number after a label is still a separator' },
  { reference: '-3', output: 'The temperature falls to −3 °C overnight.', human: 1, why: 'a real minus sign' },
  { reference: '288', output: 'In 4 hours at 72 km/h, the train covers 288 km.', prompt: MATH_002, human: 1, why: 'restates inputs and an intermediate beside the result' },
  { reference: '92', output: 'She needs 92 on the fifth test to average 87.', prompt: MATH_004, human: 1, why: 'answer equals one input; the verb says which' },
  { reference: '3.8', output: 'Sam gets $3.80 back from his $20 bill.', prompt: MATH_007, human: 1, why: 'restates the bill' },
  { reference: '1250', output: '1.25 × 10³', human: 1, why: 'scientific notation with a superscript exponent' },
  { reference: '1250', output: '1.25e3', human: 1, why: 'e notation' },
  { reference: '36', output: '٣٦', human: 1, why: 'Arabic-Indic digits' },
  { reference: '36', output: 'Thirty-six.', human: 1, why: 'a number word' },
  { reference: '15', output: 'The population increased by 15 %.', human: 1, why: 'percent with a space' },
  { reference: '26.2', output: '26.2 miles (42.195 / 1.609344 = 26.22)', human: 1, why: 'a parenthetical check is an aside' },
  { reference: '36', output: 'The answer is 36 or 40.', human: 0, why: 'two answers' },
  { reference: '288', output: 'Somewhere between 280 and 290 km.', human: 0, why: 'a range' },
  { reference: '288', output: '280-290', human: 0, why: 'a range with a dash' },
  { reference: '36', output: "I'm not sure. It could be 36, or maybe 40.", human: 0, why: 'hedged between two' },
  { reference: '36', output: 'The answer is definitely not 36.', human: 0, why: 'the reference negated' },
  { reference: '36', output: 'I cannot answer that without more information.', human: 0, why: 'refusal' },
  { reference: '36', output: '', human: 0, why: 'empty' },
  { reference: '36', output: '<think>Let me see, 3 × 12 = 36, so the answer is 36', human: 0, why: 'reasoning never closed: no answer given' },
  { reference: '36', output: "Final answer: 40. (Some might say 36, but that's wrong.)", human: 0, why: 'the reference named only to be dismissed' },
  { reference: '36', output: '36? No — 40.', human: 0, why: 'the reference asked and rejected' },
  { reference: '288', output: 'Answer: 288 km... wait, I mean 280.', human: 0, why: 'self-corrected to a wrong value' },
  { reference: '92', output: 'To average 87 she needs 87 on the last test too.', prompt: MATH_004, human: 0, why: 'wrong answer built from the inputs' },
  { reference: '3.8', output: 'So the change is $4.80. Hmm, let me recheck: 12 × 0.35 = 4.20, not 3.20. So the change is $3.80.', prompt: MATH_007, human: 1, why: 'a recheck of an intermediate, then the corrected answer' },
  { reference: '3.8', output: 'The answer is $3.80. Actually, this is a simple subtraction where 20 minus 16.20 is needed.', prompt: MATH_007, human: 1, why: '"actually" that asserts no new answer' },
  { reference: '3.8', output: '$20 - $16.20 = $3.80', prompt: MATH_007, human: 1, why: 'a spaced minus is an operator, not a range' },
  { reference: '36', output: 'Maria = 36 years, son = 12 years.', prompt: 'Maria is three times as old as her son. In 12 years, she will be twice as old as her son. How old is Maria now, in years?', human: 1, why: 'two equations: the clause about what was asked' },
  { reference: '5', output: '5 cents ($0.05).', human: 1, why: 'the same value restated in another unit, in parentheses' },
  { reference: '3', output: 'You need to take out 3 socks; with 2 you might get one black and one white.', prompt: 'A drawer holds 6 black socks and 4 white socks. What is the smallest number of socks you must take out to be certain of having two of the same colour?', human: 1, why: 'a hypothetical with "might" in another clause is not a hedge' },
  { reference: '26', output: 'March 16–31 is 16 days and April 1–10 is 10 days: 26 days.', prompt: 'How many days are there from March 15 to April 10?', human: 1, why: 'ranges are not answers; the total after the colon is' },
  { reference: '0.84', output: '840 mL', human: 0, why: 'right quantity, wrong unit asked for' },
  { reference: '1250', output: '1.25k', human: 1, why: 'a thousands suffix' },
  { reference: '-3', output: 'It drops to –3 °C.', human: 1, why: 'an en dash used as a minus sign' },
  { reference: '64.8', output: 'Possible answers: 60, 64.8', human: 0, why: 'a list of candidates' },
  { reference: '64.8', output: 'The price is $64.80 — $80 less 25% is $60, plus 8% tax.', prompt: 'A jacket has a list price of $80. It is discounted by 25%, and then 8% sales tax is added to the discounted price. What is the final price in dollars?', human: 1, why: 'an explanation after an em dash' },
  { reference: '64.8', output: '64.8 is incorrect; the answer is 60.', human: 0, why: 'the reference rejected, a wrong value marked' },
  { reference: '64.8', output: '<think>\nfinal price 64.8\n</think>\n\nI cannot determine the price.', human: 0, why: 'the answer only in reasoning, then a refusal' },
];

const choice: Case[] = [
  { reference: 'B', output: "That's a B.", human: 1, why: 'an article before the letter is not option A' },
  { reference: 'B', output: 'A process tree where Word spawns hidden PowerShell is riskier, so B.', human: 1, why: 'sentence-initial article "A"' },
  { reference: 'B', output: 'B. A is just notepad opening a text file.', human: 1, why: 'option named only to be dismissed' },
  { reference: 'B', output: 'B is riskier; A is a normal user action.', human: 1, why: 'the other option dismissed as normal' },
  { reference: 'A', output: 'A poses the greater risk because Excel spawns cmd.', human: 1, why: 'option letter followed by an unlisted verb' },
  { reference: 'A', output: 'A launches certutil to download an executable.', human: 1, why: 'another unlisted verb' },
  { reference: 'A', output: 'A spawned cmd.exe from Excel, which is riskier.', human: 1, why: 'a past-tense verb after the letter' },
  { reference: 'B', output: 'A scheduled task is not involved; the riskier tree is B.', human: 1, why: 'an article before a participle adjective' },
  { reference: 'B', output: 'Not A. The riskier tree is B.', human: 1, why: 'negated option' },
  { reference: 'B', output: 'Between A and B, B is riskier.', human: 1, why: 'framing names both' },
  { reference: 'B', output: 'Tree B is riskier. Tree A only opens a text file in notepad.', prompt: RISKIER, human: 1, why: 'the sentence answering the question is not the last' },
  { reference: 'B', output: 'B) winword.exe -> powershell.exe -nop -w hidden -enc <base64>', human: 1, why: 'letter with the option text' },
  { reference: 'B', output: '(b)', human: 1, why: 'lower-case letter in parentheses' },
  { reference: 'B', output: 'The site was a parking lot before the garden opened.', prompt: GARDEN, human: 1, why: 'option text without its letter' },
  { reference: 'B', output: 'A or B', human: 0, why: 'two options' },
  { reference: 'B', output: "It's either A or B, probably B.", human: 0, why: 'hedged' },
  { reference: 'B', output: '**Answer: B**\n\nActually, on reflection, the answer is A.', human: 0, why: 'corrected to the wrong option' },
  { reference: 'B', output: '<think>B looks right... no.</think>\nA', human: 0, why: 'the right letter only inside reasoning' },
  { reference: 'B', output: 'I cannot determine which is riskier without more context.', human: 0, why: 'refusal' },
  { reference: 'B', output: 'A, because B is just Word opening a document.', human: 0, why: 'wrong option with the right one dismissed' },
];

const labels: Case[] = [
  { reference: 'deny', output: 'Denied.', human: 1, why: 'inflection' },
  { reference: 'allow', output: 'The packet is allowed by rule 1.', human: 1, why: 'inflection in a sentence' },
  { reference: 'deny', output: 'It would be blocked by rule 2.', human: 1, why: 'synonym' },
  { reference: 'allow', output: 'It is not denied: rule 1 permits it.', human: 1, why: 'negated other label plus a synonym' },
  { reference: 'deny', output: 'Not allowed.', human: 1, why: 'negated label of a binary set' },
  { reference: 'allow', output: 'Allow? No. Deny.', human: 0, why: 'the right label asked and rejected' },
  { reference: 'allow', output: 'allow or deny, depending on the source port', human: 0, why: 'both labels' },
  { reference: 'allow', output: "It isn't blocked.", human: 1, why: "a contracted negation of the other label" },
  { reference: 'allow', output: 'Rule 1 allows it; rule 2 would deny it, but rule 1 matches first.', human: 1, why: 'a hypothetical beside the statement' },
];
const benign: Case[] = [
  { reference: 'suspicious', output: 'This looks malicious: a hidden encoded download cradle.', human: 1, why: 'synonym' },
  { reference: 'suspicious', output: 'Non-suspicious.', human: 0, why: 'prefix negation is not the label' },
  { reference: 'suspicious', output: 'Unsuspicious routine maintenance.', human: 0, why: 'prefix negation without hyphen' },
  { reference: 'benign', output: 'It is not suspicious.', human: 1, why: 'negated other label' },
  { reference: 'benign', output: 'Suspicious? No — benign.', human: 1, why: 'rejected label before the answer' },
  { reference: 'suspicious', output: 'Nothing suspicious here; ordinary git usage.', human: 0, why: '"nothing suspicious" is benign' },
  { reference: 'benign', output: 'There is nothing suspicious or malicious here.', human: 1, why: 'a negation across "or"' },
  { reference: 'suspicious', output: 'It could be benign or suspicious depending on context.', human: 0, why: 'both labels, hedged' },
  { reference: 'suspicious', output: 'I am sorry, but I cannot classify command lines.', human: 0, why: 'refusal' },
];
const yesNo: Case[] = [
  { reference: 'no', output: 'No. Bicycles are carried free of charge.', human: 1, why: 'answer first' },
  { reference: 'yes', output: 'Yes, there is no fee for anyone on the first Sunday.', human: 1, why: 'the determiner "no" is not the label' },
  { reference: 'no', output: 'There is no charge for gold members, so the answer is no.', human: 1, why: 'determiner then the label' },
  { reference: 'yes', output: 'There is no fee on the first Sunday of the month.', human: 0, why: 'no label at all, only the determiner' },
];

const ids: Case[] = [
  { reference: 'T1490', output: 'T1490', human: 1, why: 'bare' },
  { reference: 'T1490', output: 'The technique is T1490 (Inhibit System Recovery).', human: 1, why: 'in a sentence with its name' },
  { reference: 'T1218.011', output: '**T1218.011** – System Binary Proxy Execution: Rundll32', human: 1, why: 'decorated, with its name' },
  { reference: 'T1218.011', output: 'T1218 is the parent; more specifically, T1218.011.', human: 1, why: 'refined to the sub-technique' },
  { reference: 'T1490', output: 'Not T1490; this is T1485 (Data Destruction).', human: 0, why: 'reference negated, another ID given' },
  { reference: 'T1490', output: 'T1490 or T1485', human: 0, why: 'hedged' },
  { reference: 'T1490', output: 'Possibly T1490, though T1485 also fits.', human: 0, why: 'hedged with a reason' },
  { reference: 'T1490', output: 'T1490, T1485, T1070', human: 0, why: 'a list' },
  { reference: 'T1490', output: "It isn't T1490.", human: 0, why: 'negated' },
  { reference: 'T1105', output: '<think>T1105?</think>\nT1570', human: 0, why: 'the right ID only in reasoning' },
  { reference: 'T1105', output: 'T1105 (Ingress Tool Transfer), sometimes confused with T1071.', human: 1, why: 'another ID named as a confusion' },
  { reference: 'T1070.001', output: 'T1070', human: 0, why: 'the parent where the sub-technique was asked' },
];

const exact: Case[] = [
  { reference: 'Cy', output: 'The shortest of the four is Cy.', human: 1, why: 'a sentence stating the answer' },
  { reference: 'Cy', output: 'Answer: Cy', human: 1, why: 'marker with a colon' },
  { reference: 'Alex', output: '**Final answer:** Alex', human: 1, why: 'decorated marker' },
  { reference: 'Alex', output: 'Blair contradicts himself, which means Alex is the knight.', human: 1, why: 'final claim after a conclusion' },
  { reference: 'Okafor', output: 'The survey was led by Dr. Lena Okafor.', human: 1, why: 'surname inside the full name' },
  { reference: 'Alex', output: 'Alex is a knave, so Blair is the knight.', human: 0, why: 'reference named, another name is the final claim' },
  { reference: 'Cy', output: 'Cy or Bo', human: 0, why: 'two names' },
  { reference: 'Cy', output: "Not Cy — it's Bo.", human: 0, why: 'reference negated' },
  { reference: 'Sunday', output: "It wasn't a Sunday; it was a Monday.", human: 0, why: 'reference negated, wrong day asserted' },
];
const EXACT = g({ type: 'exact', distractors: ['Ann', 'Bo', 'Dee', 'Blair', 'Monday', 'Saturday'] });

const FMT_JSON = g({
  type: 'json',
  schema: { type: 'object', properties: { city: { type: 'string', const: 'tokyo' }, country: { type: 'string', const: 'japan' } }, required: ['city', 'country'], additionalProperties: false },
});
const json: Case[] = [
  { output: 'Here is the JSON you asked for: {"city": "Tokyo", "country": "Japan"}', human: 1, why: 'object after prose' },
  { output: 'The format is {city, country}. So: {"city":"Tokyo","country":"Japan"}', human: 1, why: 'the first brace is not JSON; a later object is' },
  { output: '```json\n{\n  "city": "Tokyo",\n  "country": "Japan"\n}\n```', human: 1, why: 'code fence' },
  { output: '<think>{"city":"Kyoto"}</think>{"city":"Tokyo","country":"Japan"}', human: 1, why: 'an object inside reasoning does not count' },
  { output: '{"city":"Paris","country":"France"}\nOops, I meant: {"city":"Tokyo","country":"Japan"}', human: 1, why: 'corrected object' },
  { output: '{"city":"Kyoto","country":"Japan"}', human: 0, why: 'wrong value' },
  { output: '{"city":"Tokyo","country":"Japan"', human: 0, why: 'truncated' },
  { output: '{"city":"Tokyo","country":"Japan"} or {"city":"Osaka","country":"Japan"}', human: 0, why: 'two different objects' },
  { output: '{"city":"Tokyo","country":"Japan","population":14000000}', human: 0, why: 'an extra key where exactly two were asked' },
  { output: "{'city': 'Tokyo', 'country': 'Japan'}", human: 0, why: 'not valid JSON (single quotes)' },
  { output: '', human: 0, why: 'empty' },
];

const FMT = (x: GraderInput) => g(x);
const format: [GraderInput, Case][] = [
  [{ type: 'count', unit: 'words', max: 12 }, { output: '', human: 0, why: 'empty passes no count' }],
  [{ type: 'count', unit: 'words', max: 12 }, { output: "I'm sorry, but I can't help with that.", human: 0, why: 'refusal' }],
  [{ type: 'count', unit: 'words', max: 12 }, { output: '<think>Let me keep it short and count the words carefully before I answer.</think>The ocean is vast, deep and full of life.', human: 1, why: 'reasoning not counted' }],
  [{ type: 'count', unit: 'sentences', exactly: 2 }, { output: 'A rainbow is an arc of colours, e.g. red and violet, in the sky. It forms when sunlight refracts in raindrops.', human: 1, why: '"e.g." does not end a sentence' }],
  [{ type: 'count', unit: 'sentences', exactly: 2 }, { output: 'Dr. Ito says a rainbow is light split by rain. It appears opposite the sun, i.e. behind you.', human: 1, why: 'abbreviations' }],
  [{ type: 'count', unit: 'sentences', exactly: 2 }, { output: '', human: 0, why: 'empty' }],
  [{ type: 'count', unit: 'bullets', exactly: 3, only: true }, { output: 'Sure! Here are three benefits:\n- Heart health\n- Mood\n- Strength', human: 0, why: 'text besides the bullets where none was allowed' }],
  [{ type: 'count', unit: 'bullets', exactly: 3, only: true }, { output: '- **Heart health.**\n- Better mood.\n- Stronger muscles.', human: 1, why: 'bold and full stops inside bullets' }],
  [{ type: 'regex', pattern: '^\\s*[A-Z][A-Z ]*\\s*$' }, { output: '**TOGETHER WE ACHIEVE MORE**', human: 1, why: 'bold around a correct line' }],
  [{ type: 'regex', pattern: '^\\s*[A-Z][A-Z ]*\\s*$' }, { output: '"TOGETHER WE ACHIEVE MORE."', human: 1, why: 'quotes and a trailing full stop around a correct line' }],
  [{ type: 'regex', pattern: '^\\s*[A-Z][A-Z ]*\\s*$' }, { output: 'Together we achieve more', human: 0, why: 'not upper case' }],
  [{ type: 'keywords', all: ['paris', 'eiffel'], any: ['museum', 'cafe'], none: ['london'], max_sentences: 1 }, { output: 'Paris Eiffel museum cafe', human: 0, why: 'keyword stuffing' }],
  [{ type: 'keywords', all: ['paris', 'eiffel'], any: ['museum', 'cafe'], none: ['london'], max_sentences: 1 }, { output: 'Paris, Eiffel Tower, museums, cafes, Paris, Eiffel, museums, cafes, Paris.', human: 0, why: 'a comma pile of keywords' }],
  [{ type: 'keywords', all: ['paris', 'eiffel'], any: ['museum', 'cafe'], none: ['london'], max_sentences: 1 }, { output: 'Visit Paris to admire the Eiffel Tower and unwind in its charming cafés and museums.', human: 1, why: 'a real sentence (café with an accent)' }],
  [{ type: 'keywords', all: ['paris', 'eiffel'], any: ['museum', 'cafe'], none: ['london'], max_sentences: 1 }, { output: 'Paris has the Eiffel Tower and fine museums. London has more.', human: 0, why: 'a forbidden word, and two sentences where one was asked' }],
  [{ type: 'keywords', all: ['sunlight', 'oxygen'], any: [], none: [] }, { output: '', human: 0, why: 'empty' }],
];

function goldenItem(id: string): GoldenItem {
  for (const set of ['endpoint-security', 'format', 'comprehension', 'reasoning', 'cove', 'math']) {
    const found = loadGoldenSet(path.resolve('goldens', `${set}.jsonl`)).find((i) => i.id === id);
    if (found) return found;
  }
  throw new Error(`no golden ${id}`);
}
const goldens: [string, Case][] = [
  ['sec-015', { output: 'Allowed.', human: 1, why: 'inflected label' }],
  ['sec-016', { output: 'The packet is denied by rule 1.', human: 1, why: 'inflected label in a sentence' }],
  ['sec-017', { output: 'Allowed — no rule matches, so the default policy applies.', human: 1, why: 'inflection then an explanation' }],
  ['sec-018', { output: 'Rule 2 blocks it.', human: 1, why: 'synonym' }],
  ['sec-032', { output: '{"technique":"T1003.001","tactic":"Persistence"}', human: 0, why: 'right technique, wrong tactic' }],
  ['sec-032', { output: '{"technique":"T1003.001 - OS Credential Dumping: LSASS Memory","tactic":"Credential Access"}', human: 1, why: 'sub-technique with its name' }],
  ['sec-033', { output: '{"technique": "T1053.005 (Scheduled Task)", "tactic": "TA0003"}', human: 1, why: 'tactic by its ID' }],
  ['sec-037', { output: '{"technique":"T1021","tactic":"lateral-movement"}', human: 0, why: 'parent technique where the sub-technique was asked' }],
  ['sec-041', { output: 'Not T1218.010 (Regsvr32) — T1218.011.', human: 1, why: 'the sibling sub-technique rejected' }],
  ['fmt-003', { output: '{"colors":["red","yellow","blue"],"count":3}', human: 0, why: 'wrong colour, right count' }],
  ['fmt-003', { output: '{"colors": ["Blue", "Red", "Green"], "count": 3}', human: 1, why: 'any order, any case' }],
  ['reas-009', { output: 'The knight is Alex.', human: 1, why: 'sentence stating the exact answer' }],
  ['cove-003', { output: 'Counting 16 days to January 31, 29 in February and 31 in March, the final answer is 2024-04-14.', human: 1, why: 'CoVe prose with a marker' }],
  ['comp-009', { output: 'The main contest weighs pumpkins.', human: 1, why: 'plural accepted' }],
  ['comp-003', { output: 'No, bicycles are carried free of charge.', human: 1, why: 'yes/no with the determiner-free "No,"' }],
  ['reas-013', { output: 'Houses 4 and 5 are red and green, so the far right one is green.', human: 1, why: 'reasoned item, stated after a conclusion' }],
  ['reas-015', { output: 'The ball costs 10 cents.', human: 0, why: 'the pattern-matched wrong answer' }],
  ['math-017', { output: 'Ben: $18, Ana: $36, Cal: $30', human: 1, why: 'label-value pairs: the one the question asks about' }],
  ['reas-013', { output: 'Green (red is 4th, white 2nd).', human: 1, why: 'distractors only inside an aside' }],
  ['math-018', { output: '7.5 minutes', human: 0, why: 'right time in the wrong unit (seconds were asked)' }],
  ['comp-018', { output: 'She needs 750 g in total, so 150 g more.', human: 1, why: 'total first, the asked difference after "so"' }],
  ['sec-020', { output: "I'm sorry, but I can't be certain. B.", human: 1, why: 'an apology that is a hedge, not a refusal' }],
  ['sec-020', { output: 'b) winword.exe -> powershell.exe', human: 1, why: 'lower-case option letter with its text' }],
  ['fmt-011', { output: 'Visit Paris for the Eiffel Tower and its lovely Café culture.', human: 1, why: 'a keyword with an accent and a capital' }],
];

function expectHuman(score: number, c: Case, detail: string) {
  expect(score, `${c.why}: ${JSON.stringify(c.output)} → ${detail}`).toBe(c.human);
}

describe('numeric', () => {
  test.each(numeric.map((c) => [c.why, c] as const))('%s', (_w, c) => {
    const r = grade(NUMERIC, c.output, c.reference!, { prompt: c.prompt });
    expectHuman(r.score, c, `${r.evidence.extracted} by ${r.evidence.rule}`);
  });
});

describe('choice', () => {
  test.each(choice.map((c) => [c.why, c] as const))('%s', (_w, c) => {
    const r = grade(CHOICE, c.output, c.reference!, { prompt: c.prompt ?? RISKIER });
    expectHuman(r.score, c, `${r.evidence.extracted} by ${r.evidence.rule}`);
  });
});

describe('labels', () => {
  const allowDeny = goldenItem('sec-015').grader;
  const benignSuspicious = goldenItem('sec-001').grader;
  const yn = goldenItem('comp-003').grader;
  const all = [...labels.map((c) => [allowDeny, c] as const), ...benign.map((c) => [benignSuspicious, c] as const), ...yesNo.map((c) => [yn, c] as const)];
  test.each(all.map(([gr, c]) => [c.why, gr, c] as const))('%s', (_w, gr, c) => {
    const r = grade(gr, c.output, c.reference!);
    expectHuman(r.score, c, `${r.evidence.extracted} by ${r.evidence.rule}`);
  });
});

describe('IDs by regex (ATT&CK)', () => {
  test.each(ids.map((c) => [c.why, c] as const))('%s', (_w, c) => {
    const r = grade(ATTACK_ID, c.output, c.reference!);
    expectHuman(r.score, c, `${r.evidence.extracted} by ${r.evidence.rule}`);
  });
});

describe('exact', () => {
  test.each(exact.map((c) => [c.why, c] as const))('%s', (_w, c) => {
    const r = grade(EXACT, c.output, c.reference!);
    expectHuman(r.score, c, `${r.evidence.extracted} by ${r.evidence.rule}`);
  });
});

describe('JSON', () => {
  test.each(json.map((c) => [c.why, c] as const))('%s', (_w, c) => {
    const r = grade(FMT_JSON, c.output, '');
    expectHuman(r.score, c, `${r.evidence.extracted} by ${r.evidence.rule}; ${r.detail ?? ''}`);
  });
});

describe('format counts, patterns and keywords', () => {
  test.each(format.map(([gr, c]) => [c.why, gr, c] as const))('%s', (_w, gr, c) => {
    const r = grade(FMT(gr), c.output, '');
    expectHuman(r.score, c, `${r.evidence.extracted} by ${r.evidence.rule}; ${r.detail ?? ''}`);
  });
});

describe('goldens', () => {
  test.each(goldens.map(([id, c]) => [`${id}: ${c.why}`, id, c] as const))('%s', (_w, id, c) => {
    const item = goldenItem(id);
    const prompt = chatMessages(item).map((m) => m.content).join('\n');
    const r = grade(item.grader, c.output, item.reference, { prompt });
    expectHuman(r.score, c, `${r.evidence.extracted} by ${r.evidence.rule}; ${r.detail ?? ''}`);
  });
});

test('the suite is large enough: at least 80 cases, at least five per class', () => {
  const classes = { numeric, choice, labels: [...labels, ...benign, ...yesNo], ids, exact, json, format, goldens };
  const sizes = Object.values(classes).map((c) => c.length);
  expect(Math.min(...sizes)).toBeGreaterThanOrEqual(5);
  expect(sizes.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(80);
});
