// The newest output of the running command, still live: it joins the transcript at the next
// output, question or the command's end (coloured by then if it was an error).
import { Box, Text } from 'ink';
import type { TranscriptLine } from './transcript-lines.js';
import { TranscriptLineView } from './TranscriptLineView.js';

export function LiveOutput({ lines, partial }: { lines: readonly TranscriptLine[]; partial: string }) {
  if (lines.length === 0 && partial === '') return null;
  return (
    <Box flexDirection="column">
      {lines.map((line) => (
        <TranscriptLineView key={line.id} line={line} />
      ))}
      {partial !== '' && <Text>{partial}</Text>}
    </Box>
  );
}
