// Two small hooks on Ink's streams: raw terminal input as it arrives (whole chunks, so pasted
// lines and keys inside them are not lost), and the terminal's width as it is resized.
import { useStdin, useStdout } from 'ink';
import { useEffect, useState } from 'react';
import { useInputEvents } from './ink-seam.js';

/**
 * Calls `onInput` with each chunk of input, escape sequences already split off by Ink.
 * Not useInput: it reports a pasted `text\r` as text without Enter, and Backspace (\x7f) and
 * Delete (ESC [3~) as the same key; the shell decodes chunks itself (keys.ts).
 */
export function useTerminalInput(onInput: (chunk: string) => void): void {
  const { setRawMode } = useStdin();
  const events = useInputEvents();
  useEffect(() => {
    setRawMode(true);
    return () => setRawMode(false);
  }, [setRawMode]);
  useEffect(() => {
    if (!events) return;
    events.on('input', onInput);
    return () => {
      events.removeListener('input', onInput);
    };
  }, [events, onInput]);
}

export function useColumns(): number {
  const { stdout } = useStdout();
  const [columns, setColumns] = useState(stdout.columns || 80);
  useEffect(() => {
    const onResize = () => setColumns(stdout.columns || 80);
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);
  return columns;
}
