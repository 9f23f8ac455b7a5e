// llama-server can fetch models itself (`-hf`, `-mu`, LLAMA_ARG_* variables) and reads HF_TOKEN for that: given a
// token, it would send it to whatever URL it is told to download from. It never needs a credential here (the harness
// downloads and verifies models itself), so none reaches its environment.

/** Names of variables that hold or point to credentials: hub tokens (HF_TOKEN, HUGGING_FACE_HUB_TOKEN, HF_TOKEN_PATH), API keys, secrets, passwords. */
const CREDENTIAL = /TOKEN|SECRET|PASSW(?:OR)?D|CREDENTIAL|API_?KEY|ACCESS_KEY|PRIVATE_KEY|AUTH/i;

export function isCredentialVariable(name: string): boolean {
  return CREDENTIAL.test(name);
}

/** `env` without the credential variables (and without unset ones). */
export function serverEnvironment(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (value !== undefined && !isCredentialVariable(name)) out[name] = value;
  return out;
}
