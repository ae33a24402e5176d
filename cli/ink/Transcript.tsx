// The finished lines above the prompt: written once by <Static> into the terminal's scrollback,
// then dropped from memory (a new <Static> starts for what comes next). Blank lines at the
// end wait for the next text (App shows them live meanwhile).
import { Static } from 'ink';
import { useEffect, useMemo } from 'react';
import { writableLines, type TranscriptState } from './transcript-lines.js';
import { TranscriptLineView } from './TranscriptLineView.js';

export function Transcript({ transcript, onWritten }: { transcript: TranscriptState; onWritten: (batch: number, count: number) => void }) {
  const { batch } = transcript;
  const lines = useMemo(() => writableLines(transcript.lines).write, [transcript.lines]);
  // Effects run after Ink has written the static output of this render.
  useEffect(() => {
    if (lines.length > 0) onWritten(batch, lines.length);
  }, [lines, batch, onWritten]);
  return (
    <Static key={batch} items={lines}>
      {(line) => <TranscriptLineView key={line.id} line={line} />}
    </Static>
  );
}
