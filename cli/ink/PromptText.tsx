// A prompt as the shell shows it: the main prompt in bold green, a question's `[default]> `
// with its default in cyan, so prompts and defaults stand out from output.
import { Text } from 'ink';

export function PromptText({ prompt, defaultValue, main }: { prompt: string; defaultValue?: string; main?: boolean }) {
  if (main)
    return (
      <Text bold color="green">
        {prompt}
      </Text>
    );
  if (defaultValue !== undefined && defaultValue !== '' && prompt === `[${defaultValue}]> `) {
    return (
      <Text>
        [
        <Text bold color="cyan">
          {defaultValue}
        </Text>
        ]&gt;{' '}
      </Text>
    );
  }
  return <Text>{prompt}</Text>;
}
