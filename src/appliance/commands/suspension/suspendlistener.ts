// `suspendlistener`: stop receiving on chosen listeners (new connections get 421 4.3.2).
import type { Command } from '../../kit/command.js';
import { askCloseDelay, chooseListeners, closeDelayArg, listenerArg, listenerNames, suspendReceiving } from './suspension.js';

export const suspendlistener: Command = {
  name: 'suspendlistener',
  summary: 'Suspend receiving on one or more listeners.',
  help: `suspendlistener - Suspend receiving on one or more listeners.

Asks which listeners (a comma list of numbers or names, default All) and how many
seconds open sessions may take to finish (default 30) before they are closed with a 421.
New connections are answered "421 4.3.2 ... Service not available" at once, so senders
keep their mail and retry. Takes effect at once (no commit); survives a restart.

Batch: suspendlistener <listener[,listener...] | ALL> [seconds]`,
  argWords: (io) => ['ALL', ...io.engine.config().listeners.map((l) => l.name)],
  async run(io, args) {
    const names = listenerNames(io);
    if (names.length === 0) {
      io.print('There are no listeners configured.');
      return;
    }
    const chosen = args.length > 0 ? listenerArg(args[0], names) : await chooseListeners(io, 'suspend', names);
    const delay = args.length > 0 ? closeDelayArg(args[1]) : await askCloseDelay(io);
    await suspendReceiving(io, chosen, delay);
  },
};
