// The only module that touches Ink's private input emitter (useStdin()'s internal_eventEmitter):
// whole input chunks as Ink read them, which useInput does not give (terminal-hooks.ts says why).
import { useApp, useStdin } from 'ink';
import { useEffect, useMemo } from 'react';
import { LibraryShapeError } from '../../src/platform/library-shape.js';

/** The range package.json pins Ink to (the contract test keeps the two equal). */
export const INK_PIN = '~6.8.0';

export type InputListener = (chunk: string) => void;

/** Ink's input events: one `input` event per chunk, escape sequences already split off. */
export interface InputEvents {
  on(event: 'input', listener: InputListener): unknown;
  removeListener(event: 'input', listener: InputListener): unknown;
}

/** The input emitter in a useStdin() result; a one-line LibraryShapeError if Ink no longer has it. */
export function inputEventsOf(stdin: unknown): InputEvents {
  const events = (stdin as { internal_eventEmitter?: Partial<InputEvents> } | null)?.internal_eventEmitter;
  if (typeof events?.on !== 'function' || typeof events.removeListener !== 'function') {
    throw new LibraryShapeError('ink', "useStdin()'s input emitter (internal_eventEmitter)", INK_PIN);
  }
  return events as InputEvents;
}

/**
 * Ink's input events, checked when the screen first draws. If Ink changed shape the app exits
 * with the one-line error (the shell prints it) instead of drawing an error box with a stack.
 */
export function useInputEvents(): InputEvents | undefined {
  return useCheckedInputEvents(useStdin());
}

/** useInputEvents on a given useStdin() result (the contract test hands it a fake). */
export function useCheckedInputEvents(stdin: unknown): InputEvents | undefined {
  const { exit } = useApp();
  const checked = useMemo(() => {
    try {
      return { events: inputEventsOf(stdin) };
    } catch (e) {
      return { error: e as Error };
    }
  }, [stdin]);
  useEffect(() => {
    if (checked.error) exit(checked.error);
  }, [checked, exit]);
  return checked.events;
}
