// The highest MID, ICID and DCID the mail log names: when config.json (which reserves the ids)
// is lost, ids continue past them instead of starting at 1 again, so log ids never repeat.
// Ids only grow, so the end of the newest log that names any is enough.
import { open } from 'node:fs/promises';
import type { IdReservations } from '../state/state-file.js';

/** Bytes read from the end of a log file. */
const TAIL_BYTES = 256 * 1024;

/** The highest id of each kind in `text` (0 when none). */
export function highestIdsIn(text: string): IdReservations {
  const max = { mid: 0, icid: 0, dcid: 0 };
  for (const m of text.matchAll(/\b(MID|ICID|DCID) (\d+)\b/g)) {
    const kind = m[1].toLowerCase() as keyof IdReservations;
    const id = Number(m[2]);
    if (id > max[kind]) max[kind] = id;
  }
  return max;
}

async function tailOf(file: string): Promise<string> {
  const fh = await open(file, 'r').catch(() => undefined);
  if (!fh) return '';
  try {
    const size = (await fh.stat()).size;
    const length = Math.min(size, TAIL_BYTES);
    const buf = Buffer.alloc(length);
    await fh.read(buf, 0, length, size - length);
    return buf.toString('utf8');
  } finally {
    await fh.close();
  }
}

/** The ids after those of the newest log files (newest first) that name any: next ids at least. */
export async function idsAfterLogs(files: readonly string[]): Promise<IdReservations> {
  for (const file of files) {
    const max = highestIdsIn(await tailOf(file));
    if (max.mid || max.icid || max.dcid) return { mid: max.mid + 1, icid: max.icid + 1, dcid: max.dcid + 1 };
  }
  return { mid: 1, icid: 1, dcid: 1 };
}
