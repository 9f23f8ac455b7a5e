// Global setup of the e2e project: build llama-server (first time only, 5 to 10 minutes) and make the tiny
// model before any test starts its clock.
import { quantizerFor, resolveLlama } from '../../harness/llama/resolve.ts';
import { ensureBuiltinModel } from '../../harness/models/builtin.ts';
import { stderrProgress } from '../../harness/progress.ts';

export default async function setup(): Promise<void> {
  const llama = await resolveLlama(null, stderrProgress);
  await ensureBuiltinModel('tiny', 'Q4_K_M', quantizerFor(llama, stderrProgress), stderrProgress);
}
