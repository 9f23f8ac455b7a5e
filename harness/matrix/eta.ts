// How long the rest of a run will take, from what its cells took so far (per profile: an idle cell and a quality cell
// differ by minutes). Pure: the run's progress file and earlier runs are read at the edges (progress-log.ts).

/** One cell × profile (× repetition) that finished: what it took, and whether a server ran (a skip takes no time). */
export interface DoneUnit {
  profile: string;
  ms: number;
  ran: boolean;
}

export interface EtaInput {
  done: readonly DoneUnit[];
  /** Units still to come, per profile. */
  remaining: Readonly<Record<string, number>>;
  /** Expected ms per unit per profile before this run measured any, from earlier runs on this machine. */
  prior?: Readonly<Record<string, number>>;
}

export type EtaBasis = 'measured' | 'earlier runs' | 'other profiles';

export interface Eta {
  /** null while some remaining profile has nothing to go on (no cell measured, no earlier run). */
  remainingMs: number | null;
  /** Per profile with remaining units: ms expected per unit and where that figure comes from. */
  perProfile: Record<string, { msPerUnit: number | null; basis: EtaBasis | null; units: number }>;
}

/**
 * Per profile: the mean duration of its units that ran × the share of its units that ran (skips cost ~nothing, and
 * a profile that skipped half its cells so far is expected to go on doing so), × the units left. A profile with no
 * unit that ran yet uses the prior from earlier runs, else the mean over every unit that ran in this run (any profile),
 * else it is unknown and so is the ETA.
 */
export function estimateEta(input: EtaInput): Eta {
  const ranAll = input.done.filter((d) => d.ran);
  const overall = ranAll.length > 0 ? ranAll.reduce((a, d) => a + d.ms, 0) / ranAll.length : null;
  const perProfile: Eta['perProfile'] = {};
  let total: number | null = 0;
  for (const [profile, units] of Object.entries(input.remaining).sort(([a], [b]) => a.localeCompare(b))) {
    if (units <= 0) continue;
    const mine = input.done.filter((d) => d.profile === profile);
    const ran = mine.filter((d) => d.ran);
    let msPerUnit: number | null = null;
    let basis: EtaBasis | null = null;
    if (ran.length > 0) {
      msPerUnit = mine.reduce((a, d) => a + d.ms, 0) / mine.length;
      basis = 'measured';
    } else if (input.prior?.[profile] !== undefined) {
      msPerUnit = input.prior[profile]!;
      basis = 'earlier runs';
    } else if (overall !== null) {
      msPerUnit = overall;
      basis = 'other profiles';
    }
    perProfile[profile] = { msPerUnit, basis, units };
    total = total === null || msPerUnit === null ? null : total + msPerUnit * units;
  }
  return { remainingMs: total, perProfile };
}

/** "42 s", "4 min 05 s", "1 h 02 min": minutes and hours for long runs, seconds below ten minutes. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 10) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  if (m < 60) return `${m} min`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

/** The progress line: "progress 3/12 · elapsed 2 min 10 s · ETA 6 min 40 s (measured: interactive 38 s/cell)". */
export function progressLine(p: { done: number; total: number; elapsedMs: number; eta: Eta }): string {
  const basis = Object.entries(p.eta.perProfile)
    .map(([profile, e]) => (e.msPerUnit === null ? `${profile} unknown` : `${profile} ${formatDuration(e.msPerUnit)}/cell from ${e.basis}`))
    .join(', ');
  const eta = p.done >= p.total ? 'done' : p.eta.remainingMs === null ? `ETA unknown until a cell of each profile has run (${basis})` : `ETA ${formatDuration(p.eta.remainingMs)}${basis ? ` (${basis})` : ''}`;
  return `progress ${p.done}/${p.total} cells · elapsed ${formatDuration(p.elapsedMs)} · ${eta}`;
}
