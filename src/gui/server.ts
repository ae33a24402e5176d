// The web GUI's HTTP server (`esa start --gui H:P`, `esa sandbox`): a front end in the engine
// process, on the engine API and the control server's commands, audit log and logins (the same
// users, roles and lockout as SSH). Plain HTTP, meant for loopback.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createAdaptorServer } from '@hono/node-server';
import type { HostPort } from '../model/config.js';
import type { ControlServer } from '../appliance/control/server.js';
import { guiApp } from './app.js';
import type { GuiPage } from './page.js';
import { GUI_PAGES } from './pages.js';
import { GuiSessions } from './sessions.js';

export interface GuiServerOptions {
  control: ControlServer;
  listen: HostPort;
  /** The pages (default: all of GUI_PAGES); tests may add their own. */
  pages?: readonly GuiPage[];
  /** Idle time after which a session ends (wall ms; default 30 minutes). */
  idleTimeoutMs?: number;
  /** Wall ms between two pushes of a live page (default 1 s). */
  liveMinMs?: number;
  /** The wall clock of the idle timeout (tests move their own). */
  now?: () => number;
}

export class GuiServer {
  private constructor(
    readonly server: Server,
    readonly sessions: GuiSessions,
  ) {}

  /** Listens; rejects with the bind error (EADDRINUSE...). */
  static async start(o: GuiServerOptions): Promise<GuiServer> {
    const { control } = o;
    const sessions = new GuiSessions({ engine: control.engine, commands: control.commands, audit: control.audit, idleTimeoutMs: o.idleTimeoutMs, now: o.now });
    const app = guiApp({
      engine: control.engine,
      audit: control.audit,
      logins: control.logins,
      sessions,
      pages: o.pages ?? GUI_PAGES,
      via: 'HTTP',
      fallbackHost: `${o.listen.host.includes(':') ? `[${o.listen.host}]` : o.listen.host}:${o.listen.port}`,
      liveMinMs: o.liveMinMs,
    });
    const server = createAdaptorServer({ fetch: app.fetch }) as Server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(o.listen.port, o.listen.host, () => {
        server.removeListener('error', reject);
        resolve();
      });
    });
    server.on('error', (e: Error) => control.engine.diagnostics.warn(`web GUI: ${e.message}`));
    return new GuiServer(server, sessions);
  }

  get address(): HostPort {
    const a = this.server.address() as AddressInfo;
    return { host: a.address, port: a.port };
  }

  /** The URL to print: loopback and wildcard addresses as a browser would type them. */
  get url(): string {
    const { host, port } = this.address;
    const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
    return `http://${shown}:${port}/`;
  }

  /** Ends every session and connection (open live pages too), then stops listening. */
  close(): Promise<void> {
    this.sessions.closeAll();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    return closed;
  }
}
