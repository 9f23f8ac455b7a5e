// Servers behind one interface. A cell runs against a ServerBackend: a llama-server it launches (local-llama), one
// already running (remote-llama), or any OpenAI-compatible server (remote-openai, Ollama included); the unit tests
// of runCell use a fake. The cell runner asks the backend for its URL, the process to sample (or why there is
// none), its liveness, and a relaunch only when the backend offers one.
import type { TargetKind } from '../config/target-schema.ts';
import type { Capability } from './capabilities.ts';
import type { ServerLog } from '../llama/server-log.ts';

/** Server settings a profile sets on top of the cell's own, e.g. `--parallel 4` or `--sleep-idle-seconds 5`. */
export interface ServerOverrides {
  parallel?: number;
  extraArgs?: readonly string[];
}

/** The running server as a workload sees it. */
export interface ServerHandle {
  baseUrl: string;
  port: number | null;
  /** The process sampled for CPU and RSS; null when none can be (a server elsewhere, no pid given). */
  pid: number | null;
  /**
   * The server's log: a launched llama-server writes one file per stream (server.stdout.log, server.stderr.log);
   * for one started elsewhere, a note saying where its log is. Read it with readServerLog (harness/llama/server-log.ts).
   */
  logFile: ServerLog;
  /** Process start to ready, for a server started here; null otherwise. */
  loadMs: number | null;
}

/** What the server is: name, version, and a commit or the version string it reported. */
export interface VersionFacts {
  name: string;
  version: string;
  commit: string | null;
  reported: string;
}

export interface ServerWatch {
  release(): void;
}

export interface ServerBackend {
  readonly kind: TargetKind;
  readonly capabilities: ReadonlySet<Capability>;
  readonly facts: VersionFacts;
  /** How the server is named in log lines: "llama-server", "the remote-llama server". */
  readonly label: string;
  /** Launches the server (or checks the one running elsewhere answers); resolves when it is ready. */
  start(): Promise<ServerHandle>;
  /** The server now (after a relaunch, the new one); null before start and after stop. */
  current(): ServerHandle | null;
  /** Stops the server and starts it again with `overrides` on top of the cell's settings; only with `relaunch`. */
  relaunch(overrides: ServerOverrides): Promise<ServerHandle>;
  /** Stops a launched server; forgets one started elsewhere (never signals it). Returns a line worth logging, or null. */
  stop(): Promise<string | null>;
  /** Why CPU and RSS cannot be sampled, or null when `current().pid` can be. */
  readonly noProcess: string | null;
  /** What the sampled process is, when the harness did not start it (a note on the CPU and RSS figures). */
  readonly processNote: string | null;
  /** Watches for a server lost mid-cell (an exit nobody asked for, a stopped process); `onLost` gets the cause once. */
  watch(onLost: (cause: string) => void): ServerWatch;
  /** After the workload: null when the server still answers, else why the cell is errored. */
  checkAnswers(): Promise<string | null>;
  /**
   * What the server reports about itself, for the cell's `server_counters` series: llama-server's /metrics counters,
   * Ollama's /api/ps memory for the model (null fields where it lacks one); null when it reports nothing.
   */
  serverCounters(): Promise<Record<string, number | null> | null>;
  /** One line for the log once the server is ready. */
  describeReady(): string;
}

/** How the backend for a cell is made; runCell takes another in tests. */
export type BackendFactory<Plan, PlannedCell> = (plan: Plan, planned: PlannedCell, options: { logFile: string; overrides: ServerOverrides }) => ServerBackend;
