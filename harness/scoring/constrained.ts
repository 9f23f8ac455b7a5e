// Constrained-answer mode: the model must reply {"answer": …} under a JSON Schema derived from the grader, which
// llama-server turns into a grammar (response_format json_schema). Extraction is then exact: what the model knows,
// not how it phrases it. The schema carries the answer's type and, for closed sets, its options, never the answer.
import { grade, gradeJson, type Grade, type GradeContext, type Grader } from './graders.ts';
import { shapeOf } from './json-answer.ts';

/** Longest free-text answer the grammar allows: names, dates and IDs are short, and a random model must stop. */
export const CONSTRAINED_MAX_LENGTH = 64;

const wrap = (answer: object) => ({ type: 'object', properties: { answer }, required: ['answer'], additionalProperties: false });

/** The JSON Schema of a constrained answer, or null where the grader judges form (counts, keywords, patterns). */
export function constrainedSchema(grader: Grader): Record<string, unknown> | null {
  switch (grader.type) {
    case 'numeric':
      return wrap({ type: 'number' });
    case 'label':
      return wrap({ type: 'string', enum: grader.labels });
    case 'choice':
      return wrap({ type: 'string', enum: grader.choices });
    case 'exact':
    case 'id':
      return wrap({ type: 'string', minLength: 1, maxLength: CONSTRAINED_MAX_LENGTH });
    case 'json':
      // The item's own object, its shape only: const, enum and pattern would give the answer away.
      return shapeOf(grader.schema) as Record<string, unknown>;
    case 'regex':
    case 'keywords':
    case 'count':
      return null;
  }
}

/** The request field for llama-server's OpenAI-compatible endpoint (read in tools/server/server-common.cpp). */
export function responseFormat(schema: Record<string, unknown>): Record<string, unknown> {
  return { type: 'json_schema', json_schema: { name: 'answer', strict: true, schema } };
}

/** What the user message gains in constrained mode (JSON items already ask for their object). */
export function constrainedInstruction(grader: Grader): string {
  return grader.type === 'json' ? '' : '\n\nReply with a JSON object of the form {"answer": <your answer>} and nothing else.';
}

/** Grades a constrained reply: the "answer" field, read by the item's own grader; malformed JSON scores 0. */
export function gradeConstrained(grader: Grader, output: string, reference: string, ctx: GradeContext = {}): Grade {
  if (grader.type === 'json') {
    const g = gradeJson(grader.schema, output);
    return { ...g, evidence: { ...g.evidence, rule: `constrained: ${g.evidence.rule}` } };
  }
  let value: unknown;
  try {
    value = (JSON.parse(output.trim()) as { answer?: unknown }).answer;
  } catch (e) {
    const why = `constrained: not valid JSON (${(e as Error).message.split('\n')[0]})`;
    return { score: 0, evidence: { extracted: null, rule: why }, detail: why };
  }
  if (value === undefined || value === null || typeof value === 'object') {
    const why = 'constrained: no "answer" field with a value';
    return { score: 0, evidence: { extracted: null, rule: why }, detail: why };
  }
  const g = grade(grader, String(value), reference, ctx);
  return { ...g, evidence: { extracted: g.evidence.extracted, rule: `constrained: the "answer" field, ${g.evidence.rule}` } };
}
