// The line being typed after its prompt (the main prompt or a question's `[default]> `), with
// the cursor shown in inverse video (an underscore at the end when the terminal has no colours).
// A line longer than the terminal continues on the next rows, cut exactly at the width
// (live-frame.ts counts these rows when the terminal is resized).
import { Text, useStdout } from 'ink';
import type { LineState } from '../line-editor.js';
import { promptRows } from './live-frame.js';
import { PromptText } from './PromptText.js';

export interface PromptLineProps {
  prompt: string;
  defaultValue?: string;
  main: boolean;
  line: LineState;
  columns: number;
}

export function PromptLine({ prompt, defaultValue, main, line, columns }: PromptLineProps) {
  const { text, cursor } = line;
  const { stdout } = useStdout();
  const atEnd = cursor >= text.length;
  // Without colours inverse video is dropped, and a space at the end of a line shows nothing.
  const endCell = stdout.hasColors?.() === false ? '_' : ' ';
  /** Typed text from `from` to `to` (indices into the text; the end cell is index text.length). */
  const typed = (from: number, to: number) => {
    const before = text.slice(from, Math.min(to, cursor));
    if (cursor < from || cursor >= to) return <>{text.slice(from, Math.min(to, text.length))}</>;
    const under = atEnd ? endCell : text[cursor];
    return (
      <>
        {before}
        <Text inverse>{under}</Text>
        {text.slice(cursor + 1, Math.min(to, text.length))}
      </>
    );
  };
  // A prompt wider than the terminal is not worth cutting: it is drawn on its own and may wrap.
  if (prompt.length >= columns) {
    return (
      <Text>
        <PromptText prompt={prompt} defaultValue={defaultValue} main={main} />
        {typed(0, text.length + 1)}
      </Text>
    );
  }
  const rows = promptRows(prompt, text, atEnd, columns);
  return (
    <>
      {rows.map((row, i) => (
        <Text key={i} wrap="truncate">
          {i === 0 && <PromptText prompt={prompt} defaultValue={defaultValue} main={main} />}
          {typed(Math.max(0, row.start - prompt.length), row.end - prompt.length)}
        </Text>
      ))}
    </>
  );
}
