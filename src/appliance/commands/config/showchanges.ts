// `showchanges`: this session's pending (uncommitted) configuration changes, in the appliance's
// form: one Python literal mapping the cluster mode to its sections to the changed settings,
// which the appliance's drivers read with `eval` (src/model/pending-settings.ts).
import { showChangesLines } from '../../../model/pending-settings.js';
import type { Command } from '../../kit/command.js';

export const showchanges: Command = {
  name: 'showchanges',
  access: 'look',
  summary: 'Show changes that have not been committed.',
  help: `showchanges - Show changes that have not been committed.

Shows the settings this session changed since its last commit, as the appliance does: one
mapping of the cluster mode ('standalone') to its section ('' for this machine) to the
settings, each a dotted path into the configuration with its new value (None: removed),
written as a Python literal that scripts read whole:

  {'standalone': {'': {'bounceProfiles.Slow.max_retries': 5,
                       'listeners.IncomingMail.maxMessageSize': 20971520}}}

Nothing pending: {}. What each change did in words is in the commit record
("commitdetail") and in the batch forms' answers.

Batch: showchanges`,
  maxArgs: 0,
  async run(io) {
    const mode = io.pending.mode;
    const section = mode ? { mode: mode.kind, name: mode.kind === 'cluster' ? '' : mode.name } : undefined;
    io.print(...showChangesLines(io.pending.base, io.pending.config, section));
  },
};
