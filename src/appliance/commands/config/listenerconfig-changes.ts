// listenerconfig's changes to the session's pending configuration: create, edit, delete a
// listener. Each is checked when recorded and again when replayed at commit (another session
// may have committed meanwhile), so a change that no longer fits fails with one line.
import { DEFAULT_PROFILE_NAME } from '../../../model/bounce-profile.js';
import { DEFAULT_LISTENER_LIMITS, type ApplianceConfig, type ListenerConfig } from '../../../model/config.js';
import { CommandError, type CommandIO } from '../../kit/command.js';
import { findListener, listenerLine, nameRefusal, portRefusal } from './listenerconfig-values.js';

/** A new listener's settings before the dialog or the batch keys change them. */
export function newListener(name: string, host: string, port: number): ListenerConfig {
  return {
    name,
    type: 'Public',
    host,
    port,
    rat: [],
    relayHosts: [],
    bounceProfile: DEFAULT_PROFILE_NAME,
    ...DEFAULT_LISTENER_LIMITS,
  };
}

/** Whether a listener fits the configuration it is put in (`self`: its name there before the change). */
export function listenerRefusal(config: ApplianceConfig, lc: ListenerConfig, self?: string): string | undefined {
  const name = nameRefusal(config, lc.name, self);
  if (name) return name;
  const port = portRefusal(config, lc.host, lc.port, self);
  if (port) return port;
  if (!Object.keys(config.bounceProfiles).includes(lc.bounceProfile)) return `There is no bounce profile named "${lc.bounceProfile}".`;
  return undefined;
}

function check(config: ApplianceConfig, lc: ListenerConfig, self?: string): void {
  const refusal = listenerRefusal(config, lc, self);
  if (refusal) throw new CommandError(refusal);
}

export function recordCreate(io: CommandIO, lc: ListenerConfig): void {
  io.pending.edit(`Created listener "${lc.name}" on ${lc.host}:${lc.port} (${lc.type}).`, (config) => {
    check(config, lc);
    config.listeners.push(structuredClone(lc));
  });
}

/**
 * Records one edit of a listener: `mutate` changes a copy of it (found by name when the change
 * is applied), which must still fit. The listener's name after the change is returned.
 */
export function recordEdit(io: CommandIO, name: string, what: string, mutate: (lc: ListenerConfig, config: ApplianceConfig) => void): void {
  io.pending.edit(`Edited listener "${name}": ${what}.`, (config) => {
    const current = findListener(config, name);
    if (!current) throw new CommandError(`the listener "${name}" no longer exists`);
    const next = structuredClone(current);
    mutate(next, config);
    check(config, next, current.name);
    config.listeners[config.listeners.indexOf(current)] = next;
  });
}

export function recordDelete(io: CommandIO, name: string): void {
  io.pending.edit(`Deleted listener "${name}".`, (config) => {
    const current = findListener(config, name);
    if (!current) throw new CommandError(`the listener "${name}" no longer exists`);
    config.listeners = config.listeners.filter((l) => l !== current);
  });
}

/** The bound port of a listener as the running engine has it (port 0 became a real one), else its configured port. */
export function shownPort(io: Pick<CommandIO, 'engine'>, lc: ListenerConfig): number {
  if (lc.port !== 0) return lc.port;
  const running = io.engine.listenerViews().find((v) => v.name === lc.name && v.host === lc.host);
  return running?.port ?? 0;
}

/** The listener list: `Currently configured listeners:` and one line each in the appliance's format. */
export function listLines(io: Pick<CommandIO, 'engine' | 'pending'>): string[] {
  const listeners = io.pending.config.listeners;
  if (listeners.length === 0) return ['Currently configured listeners:', 'There are no listeners configured.'];
  return ['Currently configured listeners:', ...listeners.map((lc, i) => listenerLine(i + 1, lc, shownPort(io, lc)))];
}
