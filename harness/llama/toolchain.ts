import { spawnSync } from 'node:child_process';

export class ToolchainError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'ToolchainError';
  }
}

interface Tool {
  name: string;
  candidates: string[];
  install: string;
}

const TOOLS: Tool[] = [
  { name: 'git', candidates: ['git'], install: 'Debian/Ubuntu: sudo apt-get install -y git; macOS: xcode-select --install' },
  { name: 'cmake', candidates: ['cmake'], install: 'Debian/Ubuntu: sudo apt-get install -y cmake; macOS: brew install cmake' },
  {
    name: 'a C++ compiler',
    candidates: ['c++', 'g++', 'clang++'],
    install: 'Debian/Ubuntu: sudo apt-get install -y g++ (or build-essential); macOS: xcode-select --install',
  },
  { name: 'tar', candidates: ['tar'], install: 'Debian/Ubuntu: sudo apt-get install -y tar' },
];

/** The command runs and says its version (exit 0); a missing command, a crash or a hang is not found. */
function found(command: string): boolean {
  const r = spawnSync(command, ['--version'], { stdio: 'ignore', timeout: 20_000 });
  return r.error === undefined && r.status === 0;
}

/** Names every missing tool at once, with the command that installs it. */
export function checkBuildToolchain(exists: (command: string) => boolean = found): void {
  const missing = TOOLS.filter((t) => !t.candidates.some(exists));
  if (missing.length === 0) return;
  const lines = missing.map((t) => `  - ${t.name} (looked for ${t.candidates.join(', ')}): ${t.install}`);
  throw new ToolchainError(
    `building llama-server needs tools that are not installed:\n${lines.join('\n')}\n` +
      'Or point the harness at an existing build: set llama.server_path in the config, or LLAMA_SERVER.',
  );
}
