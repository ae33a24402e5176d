// The newest output of the running command, still live: it joins the transcript at the next
// output, question or the command's end (coloured by then if it was an error). Each line is
// drawn as the rows live-frame.ts cuts it into, so the shell knows the frame's rows.
import { Box, Text } from 'ink';
import { wrapRows } from './live-frame.js';
import { plainText, type TranscriptLine } from './transcript-lines.js';
import { TranscriptLineView } from './TranscriptLineView.js';

export function LiveOutput({ lines, partial, columns }: { lines: readonly TranscriptLine[]; partial: string; columns: number }) {
  if (lines.length === 0 && partial === '') return null;
  return (
    <Box flexDirection="column">
      {lines.map((line) =>
        line.tone === 'command' || line.tone === 'answer' ? (
          <TranscriptLineView key={line.id} line={line} />
        ) : (
          wrapRows(plainText(line), columns).map((text, i) => <TranscriptLineView key={`${line.id}.${i}`} line={{ ...line, text }} />)
        ),
      )}
      {partial !== '' && wrapRows(partial, columns).map((text, i) => <Text key={`p${i}`}>{text}</Text>)}
    </Box>
  );
}
