// A TCP connection from the appliance to a host and port, for `telnet`: the name resolved, the
// connection tried with a timeout, and what happened said in the words a telnet client uses
// (refused, timed out, no such host, unreachable); once connected, text both ways until either
// side closes.
import { lookup } from 'node:dns/promises';
import { connect, isIP, type Socket } from 'node:net';
import type { RemoteConnection, RemoteOutcome } from '../api/engine-api.js';
import type { HostPort } from '../model/config.js';

/** A connection attempt gives up after this long (a host that drops the packets). */
export const CONNECT_TIMEOUT_MS = 30_000;

class OpenConnection implements RemoteConnection {
  readonly closed: Promise<'remote' | 'local'>;
  #closedBy: 'remote' | 'local' | undefined;

  constructor(readonly socket: Socket) {
    socket.setEncoding('utf8');
    this.closed = new Promise((resolve) => {
      socket.once('close', () => resolve(this.#closedBy ?? 'remote'));
    });
    socket.on('error', () => undefined);
    socket.once('end', () => {
      this.#closedBy ??= 'remote';
      socket.end();
    });
  }

  onData(listener: (text: string) => void): void {
    this.socket.on('data', (text: string) => listener(text));
  }

  send(text: string): void {
    if (!this.socket.destroyed) this.socket.write(text);
  }

  close(): void {
    this.#closedBy ??= 'local';
    this.socket.destroy();
  }
}

/** Why a connection attempt failed, as telnet says it. */
function failure(e: NodeJS.ErrnoException, address: string | undefined): RemoteOutcome {
  switch (e.code) {
    case 'ECONNREFUSED':
      return { failed: 'refused', address, message: 'Connection refused' };
    case 'ETIMEDOUT':
      return { failed: 'timeout', address, message: 'Operation timed out' };
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return { failed: 'unreachable', address, message: e.code === 'EHOSTUNREACH' ? 'No route to host' : 'Network is unreachable' };
    case 'EADDRNOTAVAIL':
      return { failed: 'other', address, message: "Can't assign requested address" };
    default:
      return { failed: 'other', address, message: e.message };
  }
}

/** Resolves the host, then connects; never rejects. */
export async function connectTo(target: HostPort, options: { localAddress?: string; timeoutMs?: number } = {}): Promise<RemoteOutcome> {
  let address = target.host.replace(/^\[(.*)\]$/, '$1');
  if (!isIP(address)) {
    try {
      address = (await lookup(address)).address;
    } catch {
      return { failed: 'unresolved', message: `${target.host}: hostname nor servname provided, or not known` };
    }
  }
  return new Promise((resolve) => {
    const socket = connect({ host: address, port: target.port, ...(options.localAddress ? { localAddress: options.localAddress } : {}) });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(failure(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' }), address));
    }, options.timeoutMs ?? CONNECT_TIMEOUT_MS);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve({ connected: new OpenConnection(socket), address });
    });
    socket.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve(failure(e, address));
    });
  });
}
