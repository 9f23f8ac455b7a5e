import { defineProfileSuite } from '../define-suite.ts';

await defineProfileSuite('crossover');
