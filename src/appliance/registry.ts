// Every CLI command, in one explicit list: the session finds commands here, `help` lists them.
// The sandbox adds its `sim` command to the same list.
import { bounceconfig } from './commands/config/bounceconfig.js';
import { bouncerecipients } from './commands/queue/bouncerecipients.js';
import { clearchanges } from './commands/config/clearchanges.js';
import { commandRegistry, type CommandRegistry } from './kit/command.js';
import { commit } from './commands/config/commit.js';
import { commitdetail } from './commands/config/commitdetail.js';
import { deleterecipients } from './commands/queue/deleterecipients.js';
import { delivernow } from './commands/queue/delivernow.js';
import { destconfig } from './commands/config/destconfig.js';
import { forecast } from './commands/monitoring/forecast.js';
import { grep } from './commands/monitoring/grep.js';
import { help } from './commands/session/help.js';
import { hostrate } from './commands/monitoring/hostrate.js';
import { hoststatus } from './commands/monitoring/hoststatus.js';
import { listenerconfig } from './commands/config/listenerconfig.js';
import { oldmessage } from './commands/queue/oldmessage.js';
import { passwd } from './commands/config/passwd.js';
import { quit } from './commands/session/quit.js';
import { rate } from './commands/monitoring/rate.js';
import { redirectrecipients } from './commands/queue/redirectrecipients.js';
import { removemessage } from './commands/queue/removemessage.js';
import { resetcounters } from './commands/monitoring/resetcounters.js';
import { resume } from './commands/suspension/resume.js';
import { resumedel } from './commands/suspension/resumedel.js';
import { resumelistener } from './commands/suspension/resumelistener.js';
import { rollbackconfig } from './commands/config/rollbackconfig.js';
import { setttymode } from './commands/session/setttymode.js';
import { showchanges } from './commands/config/showchanges.js';
import { showmessage } from './commands/queue/showmessage.js';
import { showrecipients } from './commands/queue/showrecipients.js';
import { sim } from '../sandbox/sim.js';
import { smtproutes } from './commands/config/smtproutes.js';
import { status } from './commands/monitoring/status.js';
import { suspend } from './commands/suspension/suspend.js';
import { suspenddel } from './commands/suspension/suspenddel.js';
import { suspendlistener } from './commands/suspension/suspendlistener.js';
import { tail } from './commands/monitoring/tail.js';
import { tophosts } from './commands/monitoring/tophosts.js';
import { userconfig } from './commands/config/userconfig.js';
import { version } from './commands/monitoring/version.js';

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
