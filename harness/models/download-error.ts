// Its own file, without the HTTP client: the config loader, the plan and the bench CLI name this error, and only a
// run that really downloads needs undici.
/** A download that failed for a reason a person can act on; `status` is the HTTP status, null for network errors. */
export class DownloadError extends Error {
  constructor(
    readonly shortMessage: string,
    readonly status: number | null,
    options?: { cause?: unknown },
  ) {
    super(shortMessage, options);
    this.name = 'DownloadError';
  }
}
