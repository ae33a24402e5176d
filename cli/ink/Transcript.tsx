// The finished lines above the prompt: written once by <Static> into the terminal's scrollback,
// then dropped from memory (a new <Static> starts for what comes next). Blank lines at the
// end wait for the next text (App shows them live meanwhile). Output lines are cut into rows
// as LiveOutput cuts them (live-frame.ts): a line looks the same once it is written as it did
// live (Ink's own wrapping keeps the blank it breaks at, one column more).
import { Box, Static } from 'ink';
import { useEffect, useMemo } from 'react';
import { wrapRows } from './live-frame.js';
import { plainText, writableLines, type TranscriptState } from './transcript-lines.js';
import { TranscriptLineView } from './TranscriptLineView.js';

export function Transcript({
  transcript,
  onWritten,
  columns,
}: {
  transcript: TranscriptState;
  onWritten: (batch: number, count: number) => void;
  columns: number;
}) {
  const { batch } = transcript;
  const lines = useMemo(() => writableLines(transcript.lines).write, [transcript.lines]);
  // Effects run after Ink has written the static output of this render.
  useEffect(() => {
    if (lines.length > 0) onWritten(batch, lines.length);
  }, [lines, batch, onWritten]);
  return (
    <Static key={batch} items={lines}>
      {(line) =>
        line.tone === 'command' || line.tone === 'answer' ? (
          <TranscriptLineView key={line.id} line={line} />
        ) : (
          <Box key={line.id} flexDirection="column">
            {wrapRows(plainText(line), columns).map((text, i) => (
              <TranscriptLineView key={i} line={{ ...line, text }} />
            ))}
          </Box>
        )
      }
    </Static>
  );
}
