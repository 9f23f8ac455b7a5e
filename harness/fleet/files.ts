// `npm run report -- --fleet A,B,…`: each argument a run directory or a scoreboard.json (copied back from a host).
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../paths.ts';
import { runReportSchema } from '../report/model.ts';
import { fleetView, type FleetInput, type FleetView } from './compare.ts';
import { fleetHtml } from './render.ts';

/** The scoreboard a fleet argument names, or the problem with it. */
export function readFleetInput(arg: string): FleetInput | { problem: string } {
  const file = existsSync(arg) && statSync(arg).isDirectory() ? path.join(arg, 'scoreboard.json') : arg;
  if (!existsSync(file)) return { problem: `got "${arg}", expected a run directory with a scoreboard.json, or a scoreboard.json` };
  try {
    const report = runReportSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
    const label = path.basename(file === arg ? path.dirname(path.resolve(file)) : path.resolve(arg));
    return { label, report };
  } catch (e) {
    return { problem: `${file}: not a scoreboard of this harness (${(e as Error).message.split('\n')[0]})` };
  }
}

export function writeFleet(outDir: string, inputs: readonly FleetInput[]): { view: FleetView; written: string[] } {
  const view = fleetView(inputs);
  const written = [path.join(outDir, 'fleet.json'), path.join(outDir, 'fleet.html')];
  writeFileAtomic(written[0]!, `${JSON.stringify(view, null, 2)}\n`);
  writeFileAtomic(written[1]!, fleetHtml(view));
  return { view, written };
}
