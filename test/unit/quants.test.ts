// KNOWN_QUANTS is written out (see harness/config/quants.ts): it must stay the file types @huggingface/gguf knows.
import { GGMLFileQuantizationType } from '@huggingface/gguf';
import { expect, test } from 'vitest';
import { KNOWN_QUANTS } from '../../harness/config/quants.ts';

test('KNOWN_QUANTS is exactly @huggingface/gguf’s GGMLFileQuantizationType names, in its order', () => {
  expect(KNOWN_QUANTS).toEqual(Object.keys(GGMLFileQuantizationType).filter((k) => Number.isNaN(Number(k))));
});
