// Every CLI command, in one explicit list: the session finds commands here, `help` lists them.
// The sandbox adds its `sim` command to the same list.
import { bounceconfig } from './bounceconfig.js';
import { bouncerecipients } from './bouncerecipients.js';
import { clearchanges } from './clearchanges.js';
import { commandRegistry, type CommandRegistry } from './command.js';
import { commit } from './commit.js';
import { commitdetail } from './commitdetail.js';
import { deleterecipients } from './deleterecipients.js';
import { delivernow } from './delivernow.js';
import { destconfig } from './destconfig.js';
import { forecast } from './forecast.js';
import { grep } from './grep.js';
import { help } from './help.js';
import { hostrate } from './hostrate.js';
import { hoststatus } from './hoststatus.js';
import { listenerconfig } from './listenerconfig.js';
import { oldmessage } from './oldmessage.js';
import { passwd } from './passwd.js';
import { quit } from './quit.js';
import { rate } from './rate.js';
import { redirectrecipients } from './redirectrecipients.js';
import { removemessage } from './removemessage.js';
import { resetcounters } from './resetcounters.js';
import { resume } from './resume.js';
import { resumedel } from './resumedel.js';
import { resumelistener } from './resumelistener.js';
import { rollbackconfig } from './rollbackconfig.js';
import { setttymode } from './setttymode.js';
import { showchanges } from './showchanges.js';
import { showmessage } from './showmessage.js';
import { showrecipients } from './showrecipients.js';
import { sim } from './sim.js';
import { smtproutes } from './smtproutes.js';
import { status } from './status.js';
import { suspend } from './suspend.js';
import { suspenddel } from './suspenddel.js';
import { suspendlistener } from './suspendlistener.js';
import { tail } from './tail.js';
import { tophosts } from './tophosts.js';
import { userconfig } from './userconfig.js';
import { version } from './version.js';

export const APPLIANCE_COMMANDS = [
  bounceconfig,
  bouncerecipients,
  clearchanges,
  commit,
  commitdetail,
  deleterecipients,
  delivernow,
  destconfig,
  forecast,
  grep,
  help,
  hostrate,
  hoststatus,
  listenerconfig,
  oldmessage,
  passwd,
  quit,
  rate,
  redirectrecipients,
  removemessage,
  resetcounters,
  resume,
  resumedel,
  resumelistener,
  rollbackconfig,
  setttymode,
  showchanges,
  showmessage,
  showrecipients,
  smtproutes,
  status,
  suspend,
  suspenddel,
  suspendlistener,
  tail,
  tophosts,
  userconfig,
  version,
] as const;

export const COMMANDS: CommandRegistry = commandRegistry(APPLIANCE_COMMANDS);

/** `esa sandbox`: the appliance's commands plus `sim`. */
export const SANDBOX_COMMANDS: CommandRegistry = commandRegistry([...APPLIANCE_COMMANDS, sim]);
