// `passwd`: a user changes their own passphrase (every role may; needs commit, like every
// change to the users). The reference's questions: Old passphrase, system generated?, New
// Passphrase, again.
import { BUILT_IN_ADMIN, changePassphrase, findUser } from '../../../users/accounts.js';
import { hashPassphrase } from '../../../users/passphrase.js';
import { CommandError, type Command } from '../../kit/command.js';
import { askText } from '../../kit/dialog.js';
import { askNewPassphrase, isOwnPassphrase } from './passphrase-dialog.js';

export const OLD_PASSPHRASE_WRONG = 'Old passphrase did not match';

export const passwd: Command = {
  name: 'passwd',
  // Everyone may change their own passphrase: it needs no more than looking.
  access: 'look',
  summary: 'Change your passphrase.',
  help: `passwd - Change your passphrase (needs commit).

Asks for your old passphrase, then offers a system generated one or asks for the new one
twice. Rule: 8 to 128 characters with an upper-case letter, a digit and a special character,
no three repeated or sequential characters, not a user name. On the control socket (the data
dir's owner) it changes the passphrase of the user admin.

Batch: passwd (answers on the following lines)`,
  async run(io, args) {
    if (args.length) throw new CommandError('Usage: passwd');
    const name = io.user.from === 'local' ? BUILT_IN_ADMIN : io.user.name;
    if (!findUser(io.pending.config, name)) throw new CommandError(`There is no user ${name} to change.`);
    const old = await askText(io, 'Old passphrase:', { secret: true });
    if (!(await isOwnPassphrase(io, old))) throw new CommandError(OLD_PASSPHRASE_WRONG);
    const passphrase = await askNewPassphrase(io, { user: name });
    io.pending.record(changePassphrase(name, await hashPassphrase(passphrase!)));
    io.blank();
    io.print('Passphrase changed; use "commit" to save it.');
  },
};
