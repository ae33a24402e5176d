// Every CLI command, in one explicit list: the session finds commands here, `help` lists them.
// The sandbox adds its `sim` command to the same list.
import { alertconfig } from './commands/config/alertconfig.js';
import { bounceconfig } from './commands/config/bounceconfig.js';
import { bouncerecipients } from './commands/queue/bouncerecipients.js';
import { certconfig } from './commands/config/certconfig.js';
import { clearchanges } from './commands/config/clearchanges.js';
import { clusterconfig } from './commands/config/clusterconfig.js';
import { clustermode } from './commands/config/clustermode.js';
import { commandRegistry, type CommandRegistry } from './kit/command.js';
import { commit } from './commands/config/commit.js';
import { commitdetail } from './commands/config/commitdetail.js';
import { deleterecipients } from './commands/queue/deleterecipients.js';
import { delivernow } from './commands/queue/delivernow.js';
import { destconfig } from './commands/config/destconfig.js';
import { displayalerts } from './commands/monitoring/displayalerts.js';
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
import { workqueue } from './commands/queue/workqueue.js';
import { topin } from './commands/monitoring/topin.js';
import { telnet } from './commands/monitoring/telnet.js';
import { rollovernow } from './commands/monitoring/rollovernow.js';
import { resetqueue } from './commands/queue/resetqueue.js';
import { logconfig } from './commands/config/logconfig.js';
import { findevent } from './commands/monitoring/findevent.js';
import { deliveryconfig } from './commands/config/deliveryconfig.js';
import { archivemessage } from './commands/queue/archivemessage.js';

export const APPLIANCE_COMMANDS = [
  alertconfig,
  archivemessage,
  bounceconfig,
  bouncerecipients,
  certconfig,
  clearchanges,
  clusterconfig,
  clustermode,
  commit,
  commitdetail,
  deleterecipients,
  delivernow,
  deliveryconfig,
  destconfig,
  displayalerts,
  findevent,
  forecast,
  grep,
  help,
  hostrate,
  hoststatus,
  listenerconfig,
  logconfig,
  oldmessage,
  passwd,
  quit,
  rate,
  redirectrecipients,
  removemessage,
  resetcounters,
  resetqueue,
  resume,
  resumedel,
  resumelistener,
  rollbackconfig,
  rollovernow,
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
  telnet,
  tophosts,
  topin,
  userconfig,
  version,
  workqueue,
] as const;

export const COMMANDS: CommandRegistry = commandRegistry(APPLIANCE_COMMANDS);

/** `esa sandbox`: the appliance's commands plus `sim`. */
export const SANDBOX_COMMANDS: CommandRegistry = commandRegistry([...APPLIANCE_COMMANDS, sim]);
