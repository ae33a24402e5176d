// Every CLI command, in one explicit list: the session finds commands here, `help` lists them.
// The sandbox adds its `sim` command to the same list.
import { bounceconfig } from './bounceconfig.js';
import { clearchanges } from './clearchanges.js';
import { commandRegistry, type CommandRegistry } from './command.js';
import { commit } from './commit.js';
import { commitdetail } from './commitdetail.js';
import { delivernow } from './delivernow.js';
import { help } from './help.js';
import { quit } from './quit.js';
import { resetcounters } from './resetcounters.js';
import { resume } from './resume.js';
import { resumedel } from './resumedel.js';
import { resumelistener } from './resumelistener.js';
import { showchanges } from './showchanges.js';
import { sim } from './sim.js';
import { status } from './status.js';
import { suspend } from './suspend.js';
import { suspenddel } from './suspenddel.js';
import { suspendlistener } from './suspendlistener.js';
import { tophosts } from './tophosts.js';
import { version } from './version.js';

export const APPLIANCE_COMMANDS = [
  bounceconfig,
  clearchanges,
  commit,
  commitdetail,
  delivernow,
  help,
  quit,
  resetcounters,
  resume,
  resumedel,
  resumelistener,
  showchanges,
  status,
  suspend,
  suspenddel,
  suspendlistener,
  tophosts,
  version,
] as const;

export const COMMANDS: CommandRegistry = commandRegistry(APPLIANCE_COMMANDS);

/** `esa sandbox`: the appliance's commands plus `sim`. */
export const SANDBOX_COMMANDS: CommandRegistry = commandRegistry([...APPLIANCE_COMMANDS, sim]);
