// Which API a server speaks, per base URL. The workloads call streamCompletion / chat with the base URL the cell's
// backend gives them; the backend registers here what that URL speaks (llama-server's native API, OpenAI's, or
// Ollama's) and its API key, so the workloads need not know. The key lives in this process's memory only (never in
// the plan, a result file or a message) and is sent to the registered base URL's origin only.

export type ServerApi = 'llama' | 'openai' | 'ollama';

export interface EndpointSettings {
  api: ServerApi;
  /** The model name each request names (OpenAI and Ollama require one; llama-server ignores it). */
  model?: string;
  /** Sent as `Authorization: Bearer <key>` to `origin` and nowhere else. */
  apiKey?: string;
}

interface Registered extends EndpointSettings {
  origin: string;
}

const endpoints = new Map<string, Registered>();

const key = (baseUrl: string) => baseUrl.replace(/\/+$/, '');

/** Registers what `baseUrl` speaks; returns the function that unregisters it (call it when the cell ends). */
export function registerEndpoint(baseUrl: string, settings: EndpointSettings): () => void {
  const k = key(baseUrl);
  const entry: Registered = { ...settings, origin: new URL(k).origin };
  endpoints.set(k, entry);
  return () => {
    if (endpoints.get(k) === entry) endpoints.delete(k);
  };
}

/** What `baseUrl` speaks: llama-server's native API unless a backend registered another. */
export function endpointFor(baseUrl: string): EndpointSettings & { origin: string } {
  return endpoints.get(key(baseUrl)) ?? { api: 'llama', origin: new URL(key(baseUrl)).origin };
}

/**
 * Headers for a request to `url` made on behalf of `baseUrl`: the bearer token only when `url` is on the registered
 * origin (scheme, host and port), so no key follows a request anywhere else.
 */
export function authHeaders(baseUrl: string, url: string): Record<string, string> {
  const ep = endpoints.get(key(baseUrl));
  if (!ep?.apiKey) return {};
  return new URL(url).origin === ep.origin ? { authorization: `Bearer ${ep.apiKey}` } : {};
}
