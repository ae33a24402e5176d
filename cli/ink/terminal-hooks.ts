// Small hooks on Ink's streams: raw terminal input as it arrives (whole chunks, so pasted
// lines and keys inside them are not lost), and the terminal's size as it is resized.
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

export interface TerminalSize {
  columns: number;
  rows: number;
}

const sizeOf = (stdout: NodeJS.WriteStream): TerminalSize => ({ columns: stdout.columns || 80, rows: stdout.rows || 24 });

/** The terminal's size, following resizes. */
export function useTerminalSize(): TerminalSize {
  const { stdout } = useStdout();
  const [size, setSize] = useState(() => sizeOf(stdout));
  useEffect(() => {
    const onResize = () => setSize(sizeOf(stdout));
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);
  return size;
}
