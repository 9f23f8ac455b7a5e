import { isLoopbackHost } from '../config/target-schema.ts';

/**
 * Whether a request to `url` gets a connection of its own (undici's `reset`: `connection: close`). On loopback it
 * does: a pooled keep-alive socket can be closed by llama-server's idle timeout just as the client reuses it, and on
 * a loaded machine that race failed quality items with "other side closed"; a new loopback connection costs well
 * under a millisecond. A remote server keeps the pool, so TLS handshakes are not counted into its TTFT.
 */
export function ownConnection(url: string): boolean {
  return isLoopbackHost(new URL(url).hostname);
}
