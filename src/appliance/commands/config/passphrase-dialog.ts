// The passphrase questions `userconfig` and `passwd` share: the actor's own passphrase before a
// change, and a new passphrase (system generated, or typed twice and checked against the rules).
import { usernames } from '../../../users/accounts.js';
import { generatePassphrase, isOwnPassphrase as matchesOwn, passphraseRefusal, PASSPHRASES_DIFFER, WRONG_PASSPHRASE } from '../../../users/passphrase.js';
import { CommandError, type CommandIO } from '../../kit/command.js';
import { askText, askYesNo } from '../../kit/dialog.js';

export { WRONG_PASSPHRASE };

/** Whether `typed` is the session user's passphrase (src/users/passphrase.ts has the rule). */
export const isOwnPassphrase = (io: CommandIO, typed: string): Promise<boolean> => matchesOwn(io.engine.config().users, io.user, typed);

/** What the appliance asks before a change of users: typed blind, right after it (no `[]> `: drivers type it without waiting for one). */
export const OWN_PASSPHRASE_PROMPT = 'Enter your Passphrase to make changes: ';

/** `Enter your Passphrase to make changes:`: the user confirms who they are, else the command ends. */
export async function confirmOwnPassphrase(io: CommandIO): Promise<void> {
  const typed = await askText(io, '', { secret: true, prompt: OWN_PASSPHRASE_PROMPT });
  if (!(await isOwnPassphrase(io, typed))) throw new CommandError(WRONG_PASSPHRASE);
}

export interface NewPassphraseOptions {
  /** The account it is for (the rules refuse its name and its variations). */
  user: string;
  /** Whether an empty answer keeps the current passphrase (userconfig EDIT): undefined then. */
  mayKeep?: boolean;
}

/**
 * `Do you want to get a system generated passphrase?`, then either the generated one (shown
 * once, confirmed) or `New Passphrase:` and `Please enter the new passphrase again:`. The
 * rules and the repetition are checked here: a refusal says why and asks again.
 */
export async function askNewPassphrase(io: CommandIO, options: NewPassphraseOptions): Promise<string | undefined> {
  const names = [...usernames(io.pending.config), options.user];
  for (;;) {
    if (await askYesNo(io, 'Do you want to get a system generated passphrase?', false)) {
      const generated = generatePassphrase();
      const proceed = await askYesNo(io, `This is your system generated passphrase: ${generated}\nDo you want to proceed with this passphrase?`, true);
      if (proceed) return generated;
      continue;
    }
    const typed = await askText(io, 'New Passphrase:', {
      secret: true,
      check: (t) => (t === '' && options.mayKeep ? undefined : passphraseRefusal(t, names)),
    });
    if (typed === '') return undefined;
    const again = await askText(io, 'Please enter the new passphrase again:', { secret: true });
    if (again === typed) return typed;
    io.blank();
    io.print(PASSPHRASES_DIFFER);
  }
}
