// `setttymode`: what the appliance's automation sends right after login (`setttymode 0 1`).
// Accepted silently; it turns the pager stops of long listings off for the session.
import type { Command } from '../../kit/command.js';

export const setttymode: Command = {
  name: 'setttymode',
  access: 'look',
  summary: 'Set the terminal mode for scripts (turns paging off).',
  help: `setttymode - Set the terminal mode for scripts.

Prints nothing. Turns off the "-Press Any Key For More-" stops of long listings for this
session, as the appliance's own automation expects (it sends "setttymode 0 1" after login).
"setttymode 1" turns them back on.

Batch: setttymode 0 1`,
  async run(io, args) {
    io.setPaging(args[0] === '1' && args.length === 1);
  },
};
