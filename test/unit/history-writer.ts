// A history writer to be killed: records runs one transaction at a time, saying "saved N" after each file write.
import { updateHistory } from '../../harness/history/db.ts';
import { recordRun } from '../../harness/history/record.ts';
import { cell, run } from './fleet-fixtures.ts';

const file = process.argv[2]!;
const cells = Array.from({ length: 50 }, (_, i) => cell(`m Q4_K_M t${i}`, 1 + i / 100, 900));
for (let i = 1; ; i++) {
  await updateHistory(file, (db) => recordRun(db, run(`run-${String(i).padStart(4, '0')}`, { cpu: 'CPU', cores: 2, memoryGb: 24 }, cells)));
  process.stdout.write(`saved ${i}\n`);
}
