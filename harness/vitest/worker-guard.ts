// Runs in every test worker: a worker orphaned by a killed Vitest, or signalled with it, stops its llama-server.
import { installGuard } from '../llama/guard.ts';

installGuard({ signals: true });
