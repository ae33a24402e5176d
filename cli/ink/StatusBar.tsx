// The status bar at the bottom: listeners, delivery, active recipients, hosts down, storage,
// pending changes and, in the sandbox, the simulated clock and the backend, as the engine pushes them.
import { Text } from 'ink';
import type { StatusParams } from '../../src/appliance/control/protocol.js';
import { SEPARATOR, statusLineText, statusSegments, type Tone } from './status-line.js';

const COLOR: Record<Tone, string | undefined> = { normal: undefined, good: 'green', warn: 'yellow', bad: 'red' };

/** One column spare: a line as wide as the terminal would wrap on some terminals. */
const barWidth = (columns: number) => Math.max(10, columns - 1);

/** The width of the bar drawn for `columns` (the shell counts its frame's rows). */
export function statusBarWidth(status: StatusParams, columns: number): number {
  return Math.min(columns, statusLineText(status, barWidth(columns)).length);
}

export function StatusBar({ status, columns }: { status: StatusParams; columns: number }) {
  const segments = statusSegments(status, barWidth(columns));
  return (
    <Text wrap="truncate-end">
      {segments.map((segment, i) => (
        <Text key={i}>
          {i > 0 && <Text dimColor>{SEPARATOR}</Text>}
          <Text color={COLOR[segment.tone]} bold={segment.tone === 'bad'}>
            {segment.text}
          </Text>
        </Text>
      ))}
    </Text>
  );
}
