// What `esa start` and `esa sandbox` do for the web GUI: start it where the configuration says
// (or, in the sandbox, on its default address, or a free port when that one is taken) and say
// where. The GUI's modules (Hono) are loaded only when a GUI starts.
import type { HostPort } from '../src/model/config.js';
import type { ControlServer } from '../src/appliance/control/server.js';
import type { GuiServer } from '../src/gui/server.js';

/** Where `esa sandbox` serves the GUI unless the configuration has an address. */
export const SANDBOX_GUI: HostPort = { host: '127.0.0.1', port: 8080 };

/** One line for a bind error of the GUI, or '' for anything else. */
export function guiStartError(e: unknown, at: HostPort): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') return `web GUI: address ${at.host}:${at.port} is already in use: stop what uses it or choose another with --gui`;
  if (code === 'EADDRNOTAVAIL') return `web GUI: ${at.host} is not an address of this machine: choose another with --gui`;
  if (code === 'EACCES') return `web GUI: permission denied for ${at.host}:${at.port}: choose a port above 1023 with --gui`;
  return '';
}

/** Starts the GUI at `at`; with `freePortIfTaken`, a taken port gives way to a free one on the same host. */
export async function startGui(control: ControlServer, at: HostPort, say: (line: string) => void, freePortIfTaken = false): Promise<GuiServer> {
  const { GuiServer } = await import('../src/gui/server.js');
  let gui: GuiServer;
  try {
    gui = await GuiServer.start({ control, listen: at });
  } catch (e) {
    if (!freePortIfTaken || (e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
    gui = await GuiServer.start({ control, listen: { host: at.host, port: 0 } });
  }
  say(`web GUI on ${gui.url} (log in with an appliance user, e.g. admin)`);
  return gui;
}
