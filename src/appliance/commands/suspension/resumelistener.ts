// `resumelistener`: start receiving again on chosen suspended listeners.
import type { Command } from '../../kit/command.js';
import { chooseListeners, listenerArg, listenerNames, resumeReceiving } from './suspension.js';

export const resumelistener: Command = {
  name: 'resumelistener',
  summary: 'Resume receiving on suspended listeners.',
  help: `resumelistener - Resume receiving on suspended listeners.

Lists the suspended listeners and asks which to resume (default All). With nothing
suspended it says so and asks nothing. Takes effect at once (no commit).

Batch: resumelistener <listener[,listener...] | ALL>`,
  argWords: (io) => ['ALL', ...io.engine.operational().suspendedListeners],
  async run(io, args) {
    if (listenerNames(io).length === 0) {
      io.print('There are no listeners configured.');
      return;
    }
    const suspended = listenerNames(io).filter((n) => io.engine.operational().suspendedListeners.includes(n));
    if (args.length > 0) {
      await resumeReceiving(io, listenerArg(args[0], listenerNames(io)));
      return;
    }
    if (suspended.length === 0) {
      io.print('No listeners are suspended.');
      return;
    }
    await resumeReceiving(io, await chooseListeners(io, 'resume', suspended));
  },
};
