// One dim line under the prompt: the candidates of an ambiguous completion, or a tip.
import { Text } from 'ink';

export function Hint({ text }: { text: string }) {
  return (
    <Text dimColor wrap="truncate-end">
      {text}
    </Text>
  );
}
