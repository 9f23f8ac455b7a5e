import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { GENERATED, generatedFiles, staleFiles } from '../../scripts/schemas.ts';

test('generated JSON Schemas and types match the zod schemas (run `npm run schemas` if not)', async () => {
  expect(staleFiles(await generatedFiles())).toEqual([]);
});

test('the default config points editors at its JSON Schema', () => {
  expect(readFileSync('bench.config.yaml', 'utf8').split('\n')[0]).toBe(`# yaml-language-server: $schema=./${GENERATED.config}`);
});
