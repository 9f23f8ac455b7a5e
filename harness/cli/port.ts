/** Why `text` is not a TCP port for a server on 127.0.0.1, or null; `allowZero`: 0 asks for any free port. */
export function portProblem(text: string, allowZero: boolean): string | null {
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isInteger(n) || n > 65535 || (n === 0 && !allowZero)) {
    return `got "${text}", expected a port number from ${allowZero ? 0 : 1} to 65535${allowZero ? ' (0: any free port)' : ''}`;
  }
  return null;
}
