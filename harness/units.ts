/** Bytes for a person, in decimal units as the Hugging Face hub shows them: "950 B", "13.4 MB", "4.92 GB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2)} ${units[unit]}`;
}

/**
 * A figure in a table or a chart: decimals by magnitude, so a column reads evenly ("123", "12.3", "1.23", "0.12");
 * "—" when there is none.
 */
export function formatFixed(v: number | null | undefined): string {
  if (v === null || v === undefined) return '—';
  const a = Math.abs(v);
  if (a === 0) return '0';
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  if (a >= 1) return v.toFixed(2);
  return v.toPrecision(2);
}

/** Units that count things: a whole count reads "4", not "4.00". */
const COUNT_UNITS = new Set(['requests', 'crashes', 'endpoints', 'threads', 'items', 'errors']);

/** A metric's figure in a table: a whole count as an integer, anything else as `formatFixed`. */
export function formatFigure(v: number | null | undefined, unit: string | undefined): string {
  return typeof v === 'number' && Number.isInteger(v) && unit !== undefined && COUNT_UNITS.has(unit) ? String(v) : formatFixed(v);
}

/**
 * A figure in a sentence: at most `digits` significant digits without trailing zeros ("1.5", "0.123"), and whole
 * from 10^(digits − 1) up, so a large figure is never cut to fewer digits than its integer part has ("1252",
 * "4096"); "—" when it is not finite.
 */
export function formatShort(v: number, digits = 3): string {
  if (!Number.isFinite(v)) return '—';
  return Math.abs(v) >= 10 ** (digits - 1) ? String(Math.round(v)) : String(Number(v.toPrecision(digits)));
}
