// What `esa start` and `esa sandbox` do for users and SSH: create the first admin at the first
// start (its generated passphrase said once), then, with --ssh, start the SSH front end.
import type { HostPort } from '../../src/model/config.js';
import type { ControlServer } from '../../src/appliance/control/server.js';
import { ensureFirstAdmin } from '../../src/users/first-admin.js';
import type { SshServer } from './ssh-server.js';

export interface UserStartArgs {
  ssh?: HostPort;
  adminPassword?: string;
}

/** Resolves with the SSH server (null without --ssh); rejects with the bind error. */
export async function startUsersAndSsh(control: ControlServer, args: UserStartArgs, say: (line: string) => void): Promise<SshServer | null> {
  const given = process.env.ESA_ADMIN_PASSWORD ? 'ESA_ADMIN_PASSWORD' : args.adminPassword ? '--admin-password' : undefined;
  const first = await ensureFirstAdmin(control.engine, process.env.ESA_ADMIN_PASSWORD || args.adminPassword);
  if (first?.generated) say(`created the user admin with the passphrase ${first.generated} (shown only this once: change it with passwd)`);
  else if (first) say('created the user admin with the given passphrase');
  else if (given)
    // Only the first start of a data dir sets it: a later one must not pass silently.
    say(
      `${given} is ignored: the user admin exists in this data dir, with the passphrase of its first start (change it in the shell with passwd, or userconfig edit admin password=<new> and commit)`,
    );
  if (!args.ssh) return null;
  // Loaded only with --ssh: ssh2 stays out of every other start.
  const { SshServer } = await import('./ssh-server.js');
  const server = await SshServer.start({ control, listen: args.ssh });
  const a = server.address;
  say(`SSH on ${a.host}:${a.port} (host key ${server.fingerprint})`);
  return server;
}
