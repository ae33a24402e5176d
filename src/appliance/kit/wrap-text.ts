// Long text lines wrapped to a terminal's width at word boundaries, for help pages read in
// the interactive shell. A wrapped line continues under its text: under the description of a
// `term    description` row, else at the line's own indentation. Pure.

/** Where a wrapped line's continuation starts: after a `term  ` column, else the line's indentation. */
function hangingIndent(line: string, width: number): number {
  const lead = /^ */.exec(line)![0].length;
  const column = /^ *\S.*? {2,}(?=\S)/.exec(line);
  if (column && column[0].length <= width / 2) return column[0].length;
  return lead < width / 2 ? lead : 0;
}

/**
 * One line as rows of at most `width` characters (the line itself when it fits); the rows
 * after the first start at `indent` columns when given, else under the line's text.
 */
export function wrapLine(line: string, width: number, indent?: number): string[] {
  if (line.length <= width || width < 10) return [line];
  const indentText = ' '.repeat(indent ?? hangingIndent(line, width));
  const rows: string[] = [];
  let rest = line;
  let prefix = '';
  while (prefix.length + rest.length > width) {
    const room = width - prefix.length;
    // The last space that leaves the row within the width (not in the leading indentation).
    const lead = /^ */.exec(rest)![0].length;
    let cut = rest.lastIndexOf(' ', room);
    if (cut <= lead) cut = room; // one word longer than the row: cut it
    rows.push(prefix + rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
    prefix = indentText;
  }
  rows.push(prefix + rest);
  return rows;
}

const indentOf = (line: string) => /^ */.exec(line)![0].length;

/** A line of running text: not blank, no `term    description` columns, not a syntax line. */
const isProse = (line: string) => line.trim() !== '' && !/\S {2,}\S/.test(line) && !/^\s*Batch:/.test(line);

/**
 * Lines wrapped to `width` (undefined: unchanged, as batch mode prints them). A paragraph of
 * running text with a line too long is filled again as a whole, so it does not break into
 * ragged short lines; a table row is wrapped under its description column.
 */
export function wrapLines(lines: readonly string[], width: number | undefined): string[] {
  if (width === undefined) return [...lines];
  const out: string[] = [];
  for (let i = 0; i < lines.length; ) {
    const line = lines[i];
    if (!isProse(line)) {
      out.push(...wrapLine(line, width));
      i++;
      continue;
    }
    // The paragraph: following prose lines at the same indentation.
    let end = i + 1;
    while (end < lines.length && isProse(lines[end]) && indentOf(lines[end]) === indentOf(line)) end++;
    const paragraph = lines.slice(i, end);
    if (paragraph.every((l) => l.length <= width)) out.push(...paragraph);
    else out.push(...wrapLine(' '.repeat(indentOf(line)) + paragraph.map((l) => l.trim()).join(' '), width));
    i = end;
  }
  return out;
}
