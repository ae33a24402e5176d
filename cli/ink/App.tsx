// The interactive shell's screen: the transcript, the live output of the running command, the
// prompt line, a hint line and the status bar. All behaviour is in ShellController.
import { Box, useApp, useStdout } from 'ink';
import { useEffect, useRef, useSyncExternalStore } from 'react';
import { Hint } from './Hint.js';
import { eraseReflowedFrame, promptRows, wrapRows } from './live-frame.js';
import { LiveOutput } from './LiveOutput.js';
import { PromptLine } from './PromptLine.js';
import { EMPTY_LINE, type LineState } from '../line-editor.js';
import type { ShellController, ShellSnapshot } from './shell-controller.js';
import { StatusBar, statusBarWidth } from './StatusBar.js';
import { useTerminalInput, useTerminalSize } from './terminal-hooks.js';
import { Transcript } from './Transcript.js';
import { plainText, writableLines, type TranscriptLine } from './transcript-lines.js';

/** The line as drawn: a passphrase being typed shows nothing (the cursor stays after the prompt). */
function shownLine(view: ShellSnapshot): LineState {
  return view.mode === 'question' && view.question?.secret ? EMPTY_LINE : view.line;
}

/** The prompt line of the moment: the main prompt, a question's, or none while a command runs. */
function promptOf(view: ShellSnapshot): { prompt: string; defaultValue?: string; main: boolean } | null {
  if (view.mode === 'idle') return { prompt: view.prompt, main: true };
  if (view.mode === 'question' && view.question) return { prompt: view.question.prompt, defaultValue: view.question.default, main: false };
  // Typed ahead while a command runs: shown without a prompt, used when the command wants it.
  if (view.mode === 'running' && view.line.text !== '') return { prompt: '', main: false };
  return null;
}

const liveLinesOf = (view: ShellSnapshot): TranscriptLine[] => [...writableLines(view.transcript.lines).waiting, ...view.transcript.held];

/** The widths of the rows the live part of the screen draws (components cut them the same way). */
function frameWidths(view: ShellSnapshot, columns: number): number[] {
  const widths: number[] = [];
  for (const line of liveLinesOf(view)) widths.push(...wrapRows(plainText(line), columns).map((r) => r.trimEnd().length));
  if (view.transcript.partial !== '') widths.push(...wrapRows(view.transcript.partial, columns).map((r) => r.length));
  if (view.mode === 'closed') return widths;
  const prompt = promptOf(view);
  if (prompt) {
    const line = shownLine(view);
    const atEnd = line.cursor >= line.text.length;
    widths.push(...promptRows(prompt.prompt, line.text, atEnd, columns).map((r) => r.end - r.start));
  }
  if (view.hint !== null) widths.push(Math.min(view.hint.length, columns));
  if (view.status !== null) widths.push(statusBarWidth(view.status, columns));
  return widths;
}

/**
 * When the terminal narrows it reflows the frame on screen into more rows than Ink erases,
 * which would stay as ghost lines: this erases them first (its listener runs before Ink's).
 */
function useResizeWithoutGhosts(drawn: { current: { widths: number[]; columns: number } }): void {
  const { stdout } = useStdout();
  useEffect(() => {
    const onResize = () => {
      const columns = stdout.columns || 80;
      const last = drawn.current;
      if (columns < last.columns) stdout.write(eraseReflowedFrame(last.widths, columns));
    };
    stdout.prependListener('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout, drawn]);
}

export function App({ controller }: { controller: ShellController }) {
  const view = useSyncExternalStore(controller.subscribe, controller.getSnapshot);
  const { columns, rows } = useTerminalSize();
  const { exit } = useApp();
  // Before the input effect: the engine knows the screen before the first (typed-ahead) command runs.
  useEffect(() => controller.setScreen(rows, columns), [controller, rows, columns]);
  useTerminalInput(controller.input);
  useEffect(() => {
    if (view.exitCode !== null) exit();
  }, [view.exitCode, exit]);
  const drawn = useRef({ widths: [] as number[], columns });
  drawn.current = { widths: frameWidths(view, columns), columns };
  useResizeWithoutGhosts(drawn);

  const { transcript } = view;
  const prompt = promptOf(view);
  // No width of our own: the root has the terminal's, so a frame drawn during a resize is cut, not wrapped.
  return (
    <Box flexDirection="column">
      <Transcript transcript={transcript} onWritten={controller.written} columns={columns} />
      <LiveOutput lines={liveLinesOf(view)} partial={transcript.partial} columns={columns} />
      {view.mode !== 'closed' && (
        <>
          {prompt && <PromptLine prompt={prompt.prompt} defaultValue={prompt.defaultValue} main={prompt.main} line={shownLine(view)} columns={columns} />}
          {view.hint !== null && <Hint text={view.hint} />}
          {view.status !== null && <StatusBar status={view.status} columns={columns} />}
        </>
      )}
    </Box>
  );
}
