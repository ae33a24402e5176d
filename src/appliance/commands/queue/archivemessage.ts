// `archivemessage`: saves a queued message, as it was received, to an mbox file in the
// configuration directory (the data dir's `configuration/`), where an admin can fetch it.
import type { Command } from '../../kit/command.js';
import { CommandError } from '../../kit/command.js';
import { askText } from '../../kit/dialog.js';
import { midNotFound, parseMid } from './message-report.js';

export const archivemessage: Command = {
  name: 'archivemessage',
  summary: 'Archive a message in the queue to an mbox file.',
  help: `archivemessage - Archive a message in the queue to an mbox file.

Asks for the MID ("Enter the MID to archive."), then writes the message — its envelope
sender and arrival in the mbox "From " line, then the message as received, the appliance's
Received: line included — to mid_<MID>.mbox in the configuration directory (the data dir's
configuration/), replacing an earlier archive of it. The message stays queued. A MID that is
not queued: "MID <n> not found."

Batch: archivemessage <MID>`,
  async run(io, args) {
    if (args.length > 1) throw new CommandError(`Invalid arguments when processing: archivemessage ${args.join(' ')} (use: archivemessage <MID>)`);
    const text = args.length > 0 ? args[0] : await askText(io, 'Enter the MID to archive.');
    const mid = parseMid(text);
    let file: string | undefined;
    if (mid !== undefined) {
      try {
        file = await io.engine.archiveMessage(mid);
      } catch (e) {
        const err = e as NodeJS.ErrnoException;
        throw new CommandError(err.code === 'ENOSPC' ? 'Configuration filesystem is full.' : `The file mid_${mid}.mbox could not be saved: ${err.message}`);
      }
    }
    io.blank();
    if (file === undefined) throw new CommandError(midNotFound(text.trim()));
    io.print(`MID ${mid} has been saved in file ${file} in the configuration directory.`);
  },
};
