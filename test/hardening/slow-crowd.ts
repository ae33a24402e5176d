// A crowd of slow clients: many connections from each of many loopback addresses (127.0.0.10,
// 127.0.0.11, ...: Linux routes all of 127/8 to lo), each greeted connection trickling an EHLO a
// byte a second and never finishing it. Counts what became of them. The hardening test and the
// soak both use it.
import { connect, type Socket } from 'node:net';

const WAVE = 50;
/** A connection without a first line after this long is given up (see `unanswered`): only a lost connection waits that long. */
const UNANSWERED_MS = 20_000;

export interface SlowCrowd {
  /** Connections opened. */
  opened: number;
  /** Greeted with 220 (they then held a slot). */
  greeted: number;
  /** Refused at once (421 instead of the greeting). */
  refused: number;
  /** Greeted, then closed with 421 4.7.0 to make room for another address. */
  evicted: number;
  /** Greeted, then cut with 421 4.4.2 (the command timeout). */
  timedOut: number;
  /**
   * Connected but never answered, given up after UNANSWERED_MS: the kernel dropped them from a
   * full accept queue (the client sees its connection established, the server never had it).
   */
  unanswered: number;
  /** Greeted and still open. */
  holding(): number;
  /** Every connection closed. */
  release(): void;
}

/**
 * Opens `perAddress` connections from each of `addresses` loopback addresses, starting at
 * 127.0.0.`first`; resolves once every one has its first reply line (a greeting or a refusal).
 */
export async function slowCrowd(port: number, o: { first?: number; addresses?: number; perAddress?: number } = {}): Promise<SlowCrowd> {
  const first = o.first ?? 10;
  const addresses = o.addresses ?? 51;
  const perAddress = o.perAddress ?? 25;
  const sockets = new Set<Socket>();
  const held = new Set<Socket>();
  const crowd: SlowCrowd = {
    opened: 0,
    greeted: 0,
    refused: 0,
    evicted: 0,
    timedOut: 0,
    unanswered: 0,
    holding: () => held.size,
    release: () => {
      clearInterval(trickle);
      for (const s of sockets) s.destroy();
    },
  };
  // One byte a second on every held connection: the idle timeout never fires, the line never ends.
  const trickle = setInterval(() => {
    for (const s of held) s.write('L');
  }, 1_000);
  trickle.unref();
  // In waves (WAVE connections, each wave's first lines awaited), address after address as a
  // crowd arrives: all at once would overflow the listen socket's accept queue.
  const clients: string[] = [];
  for (let a = 0; a < addresses; a++) for (let i = 0; i < perAddress; i++) clients.push(`127.0.0.${first + a}`);
  for (let w = 0; w < clients.length; w += WAVE) await Promise.all(clients.slice(w, w + WAVE).map((localAddress) => open(localAddress)));
  return crowd;

  function open(localAddress: string): Promise<void> {
    const socket = connect({ port, host: '127.0.0.1', localAddress });
    socket.on('error', () => undefined);
    sockets.add(socket);
    crowd.opened++;
    return new Promise<void>((resolve) => {
      let buf = '';
      let greeted = false;
      const unanswered = setTimeout(() => {
        crowd.unanswered++;
        socket.destroy();
      }, UNANSWERED_MS);
      unanswered.unref();
      socket.once('data', () => clearTimeout(unanswered));
      socket.on('data', (d: Buffer) => {
        buf += d.toString('latin1');
        for (let nl = buf.indexOf('\r\n'); nl >= 0; nl = buf.indexOf('\r\n')) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 2);
          if (!greeted && line.startsWith('220')) {
            greeted = true;
            crowd.greeted++;
            held.add(socket);
            socket.write('EH');
            resolve();
          } else if (!greeted) {
            crowd.refused++;
            resolve();
          } else if (line.startsWith('421 4.7.0')) crowd.evicted++;
          else if (line.startsWith('421 4.4.2')) crowd.timedOut++;
        }
      });
      socket.on('close', () => {
        clearTimeout(unanswered);
        held.delete(socket);
        resolve();
      });
    });
  }
}
