// Reading the mail log files (the current one and the rotated ones) for `tail` and `grep`:
// the last lines from the end backwards, and every line, oldest file first, without
// loading a whole file in memory.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';

const CHUNK = 64 * 1024;

/** The last `n` lines of one file (fewer when it has fewer); reads only its end. */
async function lastLinesOf(file: string, n: number): Promise<string[]> {
  const fh = await open(file, 'r').catch(() => undefined);
  if (!fh) return [];
  try {
    let pos = (await fh.stat()).size;
    let text = '';
    // n lines need n newlines before them (plus the file's final one).
    while (pos > 0 && text.split('\n').length <= n + 1) {
      const len = Math.min(CHUNK, pos);
      pos -= len;
      const buf = Buffer.alloc(len);
      await fh.read(buf, 0, len, pos);
      text = buf.toString('utf8') + text;
    }
    const lines = text.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    // A line cut by the chunk boundary is not a whole line.
    if (pos > 0) lines.shift();
    return lines.slice(-n);
  } finally {
    await fh.close();
  }
}

/** The last `n` lines over `files` (newest first, as the engine lists them), oldest line first. */
export async function lastLines(files: readonly string[], n: number): Promise<string[]> {
  let lines: string[] = [];
  for (const file of files) {
    if (lines.length >= n) break;
    lines = [...(await lastLinesOf(file, n - lines.length)), ...lines];
  }
  return lines;
}

/** Every line of `files` in the order given; `onLine` sees each (a missing file is skipped). */
export async function eachLine(files: readonly string[], onLine: (line: string) => void, signal?: AbortSignal): Promise<void> {
  for (const file of files) {
    if (signal?.aborted) return;
    const input = createReadStream(file, { encoding: 'utf8' });
    const opened = await new Promise<boolean>((resolve) => {
      input.once('open', () => resolve(true));
      input.once('error', () => resolve(false));
    });
    if (!opened) continue;
    const rl = createInterface({ input, crlfDelay: Infinity });
    try {
      for await (const line of rl) {
        if (signal?.aborted) break;
        onLine(line);
      }
    } finally {
      rl.close();
      input.destroy();
    }
  }
}

/** The first line of a file (its oldest), or undefined when it is empty or missing. */
export async function firstLine(file: string): Promise<string | undefined> {
  const fh = await open(file, 'r').catch(() => undefined);
  if (!fh) return undefined;
  try {
    const buf = Buffer.alloc(1024);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    const text = buf.subarray(0, bytesRead).toString('utf8');
    const end = text.indexOf('\n');
    const line = end >= 0 ? text.slice(0, end) : text;
    return line === '' ? undefined : line;
  } finally {
    await fh.close();
  }
}
