// The line being typed after its prompt (the main prompt or a question's `[default]> `), with
// the cursor shown in inverse video (an underscore at the end when the terminal has no colours).
import { Text, useStdout } from 'ink';
import type { LineState } from '../line-editor.js';
import { PromptText } from './PromptText.js';

export interface PromptLineProps {
  prompt: string;
  defaultValue?: string;
  main: boolean;
  line: LineState;
}

export function PromptLine({ prompt, defaultValue, main, line }: PromptLineProps) {
  const { text, cursor } = line;
  const { stdout } = useStdout();
  const at = text.codePointAt(cursor);
  // Without colours inverse video is dropped, and a space at the end of a line shows nothing.
  const under = at !== undefined ? String.fromCodePoint(at) : stdout.hasColors?.() === false ? '_' : ' ';
  return (
    <Text>
      <PromptText prompt={prompt} defaultValue={defaultValue} main={main} />
      {text.slice(0, cursor)}
      <Text inverse>{under}</Text>
      {text.slice(cursor + (at === undefined ? 0 : under.length))}
    </Text>
  );
}
