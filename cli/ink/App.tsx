// The interactive shell's screen: the transcript, the live output of the running command, the
// prompt line, a hint line and the status bar. All behaviour is in ShellController.
import { Box, useApp } from 'ink';
import { useEffect, useSyncExternalStore } from 'react';
import { Hint } from './Hint.js';
import { LiveOutput } from './LiveOutput.js';
import { PromptLine } from './PromptLine.js';
import type { ShellController, ShellSnapshot } from './shell-controller.js';
import { StatusBar } from './StatusBar.js';
import { useColumns, useTerminalInput } from './terminal-hooks.js';
import { Transcript } from './Transcript.js';
import { writableLines } from './transcript-lines.js';

/** The prompt line of the moment: the main prompt, a question's, or none while a command runs. */
function CurrentPrompt({ view }: { view: ShellSnapshot }) {
  if (view.mode === 'idle') return <PromptLine prompt={view.prompt} main line={view.line} />;
  if (view.mode === 'question' && view.question) {
    return <PromptLine prompt={view.question.prompt} defaultValue={view.question.default} main={false} line={view.line} />;
  }
  // Typed ahead while a command runs: shown without a prompt, used when the command wants it.
  if (view.mode === 'running' && view.line.text !== '') return <PromptLine prompt="" main={false} line={view.line} />;
  return null;
}

export function App({ controller }: { controller: ShellController }) {
  const view = useSyncExternalStore(controller.subscribe, controller.getSnapshot);
  const columns = useColumns();
  const { exit } = useApp();
  useTerminalInput(controller.input);
  useEffect(() => {
    if (view.exitCode !== null) exit();
  }, [view.exitCode, exit]);

  const { transcript } = view;
  return (
    <Box flexDirection="column" width={columns}>
      <Transcript transcript={transcript} onWritten={controller.written} />
      <LiveOutput lines={[...writableLines(transcript.lines).waiting, ...transcript.held]} partial={transcript.partial} />
      {view.mode !== 'closed' && (
        <>
          <CurrentPrompt view={view} />
          {view.hint !== null && <Hint text={view.hint} />}
          {view.status !== null && <StatusBar status={view.status} columns={columns} />}
        </>
      )}
    </Box>
  );
}
