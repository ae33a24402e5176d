// The contract the Ink seam (cli/ink/ink-seam.ts) relies on, against the installed Ink rendering
// into fake terminal streams: useStdin() still carries the input emitter, it delivers whole input
// chunks, and a changed shape ends the app with one line instead of an error box.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { render, Text, useStdin } from 'ink';
import { createElement, useEffect } from 'react';
import { INK_PIN, inputEventsOf, useCheckedInputEvents, useInputEvents } from '../../cli/ink/ink-seam.js';
import { installedVersion, LibraryShapeError } from '../../src/platform/library-shape.js';
import { ROOT } from '../helpers/harness.js';

const ONE_LINE = /^ink \S+ no longer has [^\n]+; this build needs ink ~6\.8\.0 \(npm ci\)$/;

/** A terminal for Ink: stdin that takes raw mode, stdout with a size; what Ink wrote is kept. */
function fakeTerminal() {
  const stdin = Object.assign(new PassThrough(), {
    isTTY: true,
    setRawMode: () => stdin,
    ref: () => stdin,
    unref: () => stdin,
  });
  let written = '';
  const stdout = Object.assign(new PassThrough(), { columns: 80, rows: 24 });
  stdout.on('data', (d: Buffer) => (written += d.toString()));
  return {
    stdin: stdin as unknown as NodeJS.ReadStream,
    stdout: stdout as unknown as NodeJS.WriteStream,
    written: () => written,
  };
}

test('package.json pins Ink to the range the seam names, and the installed version is in it', () => {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  assert.equal(pkg.dependencies.ink, INK_PIN);
  const [major, minor, patch] = installedVersion('ink').split('.').map(Number);
  const [pMajor, pMinor, pPatch] = INK_PIN.slice(1).split('.').map(Number);
  assert.ok(major === pMajor && minor === pMinor && patch >= pPatch, `installed ${installedVersion('ink')} is in ${INK_PIN}`);
});

test('the real useStdin() passes the shape check and its emitter delivers whole chunks', async () => {
  const terminal = fakeTerminal();
  const chunks: string[] = [];
  let listening!: () => void;
  const ready = new Promise<void>((resolve) => (listening = resolve));
  let gotAll!: () => void;
  const received = new Promise<void>((resolve) => (gotAll = resolve));
  let checkedDirectly = false;

  function Probe() {
    const stdin = useStdin();
    inputEventsOf(stdin);
    checkedDirectly = true;
    const events = useInputEvents();
    const { setRawMode } = stdin;
    useEffect(() => {
      setRawMode(true);
      return () => setRawMode(false);
    }, [setRawMode]);
    useEffect(() => {
      if (!events) return;
      const onInput = (chunk: string) => {
        chunks.push(chunk);
        if (chunks.length === 2) gotAll();
      };
      events.on('input', onInput);
      listening();
      return () => {
        events.removeListener('input', onInput);
      };
    }, [events]);
    return createElement(Text, null, 'probe');
  }

  const app = render(createElement(Probe), { stdin: terminal.stdin, stdout: terminal.stdout, exitOnCtrlC: false, patchConsole: false });
  try {
    await ready;
    assert.ok(checkedDirectly);
    // A pasted line with its Enter comes as one chunk (useInput would drop the \r), and an
    // escape sequence as its own.
    terminal.stdin.write('show\r');
    await new Promise<void>((resolve) => setImmediate(resolve));
    terminal.stdin.write('\x1b[3~');
    await received;
    assert.deepEqual(chunks, ['show\r', '\x1b[3~']);
  } finally {
    app.unmount();
    await app.waitUntilExit();
  }
  // With CI set (as CI runs the tests) Ink writes only the last frame, at unmount.
  assert.match(terminal.written(), /probe/);
});

test('the shape check fails with one line on a useStdin() result without the emitter', () => {
  for (const [what, fake] of [
    ['no emitter', { setRawMode: () => undefined, isRawModeSupported: true }],
    ['an emitter without on/removeListener', { internal_eventEmitter: { emit: () => true } }],
    ['nothing at all', undefined],
  ] as const) {
    assert.throws(
      () => inputEventsOf(fake),
      (e: unknown) => e instanceof LibraryShapeError && ONE_LINE.test(e.message) && /internal_eventEmitter/.test(e.message),
      what,
    );
  }
});

test('in a running Ink app a changed shape ends the app with that one line, no error box', async () => {
  const terminal = fakeTerminal();
  function Screen() {
    useCheckedInputEvents({ setRawMode: () => undefined });
    return createElement(Text, null, 'screen');
  }
  const app = render(createElement(Screen), { stdin: terminal.stdin, stdout: terminal.stdout, exitOnCtrlC: false, patchConsole: false });
  await assert.rejects(app.waitUntilExit(), (e: unknown) => e instanceof LibraryShapeError && ONE_LINE.test(e.message));
  assert.doesNotMatch(terminal.written(), /ERROR|at .*\(/);
});
