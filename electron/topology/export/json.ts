// Snapshot contract v1 as JSON text. Deterministic (stable key order of the model).
import type { Snapshot } from '../model';

export function exportJson(t: Snapshot): string {
  return `${JSON.stringify(t, null, 2)}\n`;
}
