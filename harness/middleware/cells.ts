import type { Cell } from '../measurement/schema.ts';
import { middlewareIdPart } from '../matrix/cells.ts';

/** The cell's id without its middleware part: the key of cells that differ only in the preset. */
export function withoutMiddleware(cell: Pick<Cell, 'id' | 'middleware'>): string {
  if (cell.middleware === undefined) return cell.id;
  const part = ` ${middlewareIdPart(cell.middleware)}`;
  return cell.id.endsWith(part) ? cell.id.slice(0, -part.length) : cell.id;
}
