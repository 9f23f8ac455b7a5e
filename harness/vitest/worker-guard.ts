// Runs in every test worker: a worker orphaned by a killed Vitest stops its llama-server and exits.
import { installGuard } from '../llama/guard.ts';

installGuard();
