// The live part of the screen (held output, the unfinished line, the prompt line, the hint and
// the status bar) as rows of known width. The components draw exactly these rows, so after a
// resize the shell knows how many rows the terminal's reflow made of the last frame. Pure.

/** Rows of a line of output in `columns`: broken after the last space that fits, or hard within a long word. */
export function wrapRows(text: string, columns: number): string[] {
  const width = Math.max(1, columns);
  if (text.length <= width) return [text];
  const rows: string[] = [];
  let rest = text;
  while (rest.length > width) {
    const space = rest.lastIndexOf(' ', width);
    const cut = space > 0 ? space : width;
    rows.push(rest.slice(0, cut).trimEnd());
    rest = space > 0 ? rest.slice(cut + 1) : rest.slice(cut);
  }
  rows.push(rest);
  return rows;
}

/** The prompt line (prompt, typed text, a cursor cell at the end) cut into rows of `columns` characters. */
export function promptRows(prompt: string, text: string, cursorAtEnd: boolean, columns: number): { start: number; end: number }[] {
  const width = Math.max(1, columns);
  const total = prompt.length + text.length + (cursorAtEnd ? 1 : 0);
  const rows: { start: number; end: number }[] = [];
  for (let start = 0; start < total || rows.length === 0; start += width) rows.push({ start, end: Math.min(total, start + width) });
  return rows;
}

/** How many rows a frame of rows this wide takes once a terminal `columns` wide has reflowed it. */
export function reflowedHeight(widths: readonly number[], columns: number): number {
  return widths.reduce((n, w) => n + Math.max(1, Math.ceil(w / Math.max(1, columns))), 0);
}

/**
 * What to write before Ink clears its frame when the terminal narrowed: the terminal has
 * reflowed the frame's rows into more rows than Ink will erase (they stay as ghost lines).
 * Erases the whole reflowed frame from the cursor's row up, then moves the cursor down again
 * so that Ink's own erase of `widths.length + 1` rows ends at the frame's top.
 */
export function eraseReflowedFrame(widths: readonly number[], columns: number): string {
  const height = reflowedHeight(widths, columns);
  if (height <= widths.length) return '';
  // Ink's frame ends with a newline: the cursor is on the row after it.
  let out = '';
  for (let i = 0; i <= height; i++) out += `\x1b[2K${i < height ? '\x1b[1A' : ''}`;
  out += '\r';
  if (widths.length > 0) out += `\x1b[${widths.length}B`;
  return out;
}
