// `suspend`: stop receiving on every listener and all delivery.
import type { Command } from '../../kit/command.js';
import { askCloseDelay, closeDelayArg, listenerNames, suspendDelivering, suspendReceiving } from './suspension.js';

export const suspend: Command = {
  name: 'suspend',
  summary: 'Suspend receiving and delivery.',
  help: `suspend - Suspend receiving and delivery.

Asks how many seconds open connections may take to finish (default 30), then suspends
every listener (new connections get a 421) and all delivery (queued mail waits; nothing
is attempted and nothing expires meanwhile). Undo with "resume". No commit needed.

Batch: suspend [seconds]`,
  async run(io, args) {
    const delay = args.length > 0 ? closeDelayArg(args[0]) : await askCloseDelay(io);
    const names = listenerNames(io);
    if (names.length > 0) await suspendReceiving(io, names, delay);
    await suspendDelivering(io, ['ALL'], delay);
  },
};
