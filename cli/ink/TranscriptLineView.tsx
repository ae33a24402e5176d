// One line of the transcript: output as printed, errors in red, the abort notice in yellow,
// typed commands and answers after their prompt.
import { Text } from 'ink';
import { PromptText } from './PromptText.js';
import type { TranscriptLine } from './transcript-lines.js';

export function TranscriptLineView({ line }: { line: TranscriptLine }) {
  switch (line.tone) {
    case 'command':
      return (
        <Text>
          <PromptText prompt={line.prompt ?? ''} main />
          <Text bold>{line.text}</Text>
        </Text>
      );
    case 'answer':
      return (
        <Text>
          <PromptText prompt={line.prompt ?? ''} defaultValue={line.default} />
          {line.text}
        </Text>
      );
    case 'error':
      return <Text color="red">{line.text}</Text>;
    case 'notice':
      return <Text color="yellow">{line.text}</Text>;
    default:
      // An empty <Text> has no height: a blank line needs a character.
      return <Text>{line.text === '' ? ' ' : line.text}</Text>;
  }
}
