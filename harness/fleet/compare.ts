// The fleet view: scoreboards of the same matrix from several hosts, host as a dimension. Same cells side by side,
// each host's own recommendations, and the portable pick: the configuration that met every budget on every host, or
// the closest one with what it misses where. Pure: plain run reports in, a plain view out.
import { z } from 'zod';
import { metEveryBudget, overallVerdict, standings, type CellStanding, type RunReport } from '../report/model.ts';

export const fleetHostSchema = z.object({
  /** `h1`, `h2`, … in input order. */
  id: z.string(),
  /** What the user called it (the run directory's name), else the run id. */
  label: z.string(),
  runId: z.string(),
  cpu: z.string(),
  cores: z.number().nullable(),
  memoryGb: z.number().nullable(),
  llama: z.string(),
});

const missSchema = z.object({
  host: z.string(),
  profile: z.string(),
  metric: z.string(),
  status: z.enum(['fail', 'error', 'inconclusive', 'skipped']),
  value: z.number().nullable(),
  budget: z.string(),
  unit: z.string(),
  reason: z.string().optional(),
});

export const fleetViewSchema = z.object({
  hosts: z.array(fleetHostSchema),
  /** One row per profile × cell id seen on any host; `byHost[hostId]` is absent where that host did not run it. */
  rows: z.array(
    z.object({
      profile: z.string(),
      cellId: z.string(),
      byHost: z.record(z.string(), z.object({ verdict: z.string(), rating: z.string().optional(), failed: z.array(z.string()) })),
    }),
  ),
  recommendations: z.array(z.object({ host: z.string(), useCase: z.string(), title: z.string(), status: z.string(), cellId: z.string().nullable() })),
  portable: z.object({
    /** `everywhere`: met every budget on every host; `closest`: none did, this one misses least; `none`: no cell ran on every host. */
    status: z.enum(['everywhere', 'closest', 'none']),
    cellId: z.string().nullable(),
    /** Hosts on which the pick met every budget. */
    metOn: z.array(z.string()),
    /** What the pick misses (or leaves unresolved), host by host. */
    misses: z.array(missSchema),
    /** The pick's tightest budget across hosts: the largest share of a budget it uses (1 = at the limit). */
    tightestUse: z.number().nullable(),
    why: z.string(),
    /** Cells that also met every budget everywhere, after the pick. */
    alsoEverywhere: z.array(z.string()),
  }),
  /** Cells not measured on every host, with the hosts that lack them: they cannot be a portable pick. */
  notEverywhere: z.array(z.object({ cellId: z.string(), missingOn: z.array(z.string()) })),
});

export type FleetView = z.infer<typeof fleetViewSchema>;
export type FleetHost = z.infer<typeof fleetHostSchema>;
type Miss = z.infer<typeof missSchema>;

export interface FleetInput {
  label?: string;
  report: RunReport;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function hostOf(input: FleetInput, i: number): FleetHost {
  const h = input.report.host;
  return {
    id: `h${i + 1}`,
    label: input.label ?? input.report.runId,
    runId: input.report.runId,
    cpu: String(h.cpu ?? 'unknown CPU'),
    cores: num(h.cores),
    memoryGb: num(h.memoryGb),
    llama: `${input.report.llama.version} (${input.report.llama.commit})`,
  };
}

function missesOf(host: string, s: CellStanding): Miss[] {
  return [...s.missed, ...s.unresolved].map(({ profile, verdict: v }) => ({
    host,
    profile,
    metric: `${v.metric}${v.aggregation ? ` ${v.aggregation}` : ''}`,
    status: v.status as Miss['status'],
    value: v.value,
    budget: `${v.op} ${v.limit}`,
    unit: v.unit,
    ...(v.reason ? { reason: v.reason } : {}),
  }));
}

/** The largest share of a budget a cell uses on any host (`used`: value/limit, or limit/value for a floor). */
function tightest(reports: readonly RunReport[], cellId: string): number | null {
  const used = reports.flatMap((r) => r.cells.filter((c) => c.cell.id === cellId).flatMap((c) => c.verdicts.map((v) => v.used))).filter((u): u is number => u !== null && Number.isFinite(u));
  return used.length ? Math.max(...used) : null;
}

export function fleetView(inputs: readonly FleetInput[]): FleetView {
  const hosts = inputs.map(hostOf);
  const reports = inputs.map((i) => i.report);
  const keys = new Map<string, { profile: string; cellId: string }>();
  for (const r of reports) for (const c of r.cells) keys.set(`${c.profile}\0${c.cell.id}`, { profile: c.profile, cellId: c.cell.id });
  const rows = [...keys.values()]
    .sort((a, b) => a.profile.localeCompare(b.profile) || a.cellId.localeCompare(b.cellId))
    .map(({ profile, cellId }) => ({
      profile,
      cellId,
      byHost: Object.fromEntries(
        reports.flatMap((r, i) => {
          const c = r.cells.find((x) => x.profile === profile && x.cell.id === cellId);
          if (!c) return [];
          const failed = c.verdicts.filter((v) => v.status === 'fail' || v.status === 'error').map((v) => `${v.metric}${v.aggregation ? ` ${v.aggregation}` : ''}`);
          return [[hosts[i]!.id, { verdict: overallVerdict(c), ...(c.rating ? { rating: c.rating } : {}), failed }]];
        }),
      ),
    }));
  const recommendations = reports.flatMap((r, i) =>
    (r.decisions?.recommendations ?? []).map((rec) => ({ host: hosts[i]!.id, useCase: rec.useCase, title: rec.title, status: rec.status, cellId: rec.cellId })),
  );

  // Per host, per cell id: its standing across every profile that host ran.
  const perHost = reports.map((r) => new Map(standings(r.cells).map((s) => [s.cellId, s])));
  const metPerHost = reports.map((r) => new Set(metEveryBudget(standings(r.cells)).map((s) => s.cellId)));
  const allIds = [...new Set(reports.flatMap((r) => r.cells.map((c) => c.cell.id)))].sort();
  const notEverywhere = allIds
    .map((cellId) => ({ cellId, missingOn: hosts.filter((_, i) => !perHost[i]!.get(cellId)?.measured).map((h) => h.id) }))
    .filter((x) => x.missingOn.length > 0);
  const candidates = allIds
    .filter((id) => perHost.every((m) => m.get(id)?.measured))
    .map((cellId) => {
      const metOn = hosts.filter((_, i) => metPerHost[i]!.has(cellId)).map((h) => h.id);
      const misses = hosts.flatMap((h, i) => missesOf(h.id, perHost[i]!.get(cellId)!));
      const errored = perHost.filter((m) => m.get(cellId)!.errored).length;
      const hard = misses.filter((m) => m.status === 'fail' || m.status === 'error').length;
      return { cellId, metOn, misses, errored, hard, soft: misses.length - hard, tightestUse: tightest(reports, cellId) };
    })
    // Met on the most hosts; then no errored host, fewest budgets missed, fewest unresolved; then the most headroom
    // on its tightest budget anywhere (a pick that barely passes one host is the least portable); then the id.
    .sort(
      (a, b) =>
        b.metOn.length - a.metOn.length ||
        a.errored - b.errored ||
        a.hard - b.hard ||
        a.soft - b.soft ||
        (a.tightestUse ?? Infinity) - (b.tightestUse ?? Infinity) ||
        a.cellId.localeCompare(b.cellId),
    );
  const best = candidates[0];
  const everywhere = candidates.filter((c) => c.metOn.length === hosts.length);
  const portable: FleetView['portable'] = !best
    ? { status: 'none', cellId: null, metOn: [], misses: [], tightestUse: null, why: 'no cell was measured on every host', alsoEverywhere: [] }
    : {
        status: best.metOn.length === hosts.length ? 'everywhere' : 'closest',
        cellId: best.cellId,
        metOn: best.metOn,
        misses: best.misses,
        tightestUse: best.tightestUse,
        why:
          best.metOn.length === hosts.length
            ? `met every budget on all ${hosts.length} hosts${everywhere.length > 1 ? `, with the most headroom on its tightest budget among the ${everywhere.length} that did` : ''}${best.tightestUse !== null ? ` (it uses at most ${Math.round(best.tightestUse * 100)} % of a budget)` : ''}`
            : `no cell met every budget on every host; this one met them on ${best.metOn.length} of ${hosts.length} and misses ${best.hard} budget(s)${best.soft ? `, ${best.soft} unresolved` : ''} across the hosts, the fewest`,
        alsoEverywhere: everywhere.slice(1).map((c) => c.cellId),
      };
  return { hosts, rows, recommendations, portable, notEverywhere };
}
