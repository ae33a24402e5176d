// Delivery's per-message I/O: a message's content and its final `.` leave in one socket write,
// content past the socket's high-water mark still goes out whole, and a spool file is read back
// whole at any length (RawFile.readWhole).
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import type { Socket } from 'node:net';
import path from 'node:path';
import { test } from 'node:test';
import { SMTPServer } from 'smtp-server';
import { OutboundConnection } from '../../src/engine/delivery/smtp-client.js';
import { RawFile } from '../../src/engine/fs/raw-file.js';
import { removeDir, tempDir } from '../helpers/harness.js';

/** A real SMTP server on loopback that keeps every message's content as received. */
async function backend(): Promise<{ port: number; received: Buffer[]; close(): Promise<void> }> {
  const received: Buffer[] = [];
  const server = new SMTPServer({
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    size: 20 * 1024 * 1024,
    onData(stream, _session, cb) {
      const parts: Buffer[] = [];
      stream.on('data', (c: Buffer) => parts.push(c));
      stream.on('end', () => {
        received.push(Buffer.concat(parts));
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { port, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** Every chunk list the connection's socket hands to the kernel, as one string per write. */
function recordWrites(conn: OutboundConnection): string[] {
  const socket = (conn.conn as unknown as { _socket: Socket & { _writeGeneric: (...a: unknown[]) => unknown } })._socket;
  const writes: string[] = [];
  const original = socket._writeGeneric.bind(socket);
  socket._writeGeneric = (writev: unknown, data: unknown, ...rest: unknown[]) => {
    const chunks = writev ? (data as { chunk: Buffer | string }[]).map((d) => d.chunk) : [data as Buffer | string];
    writes.push(chunks.map((c) => c.toString()).join(''));
    return original(writev, data, ...rest);
  };
  return writes;
}

test('a small message and its final dot leave in one socket write; a large one arrives whole', async () => {
  const server = await backend();
  const conn = await OutboundConnection.open({ host: '127.0.0.1', port: server.port }, { name: 'esa.test' });
  try {
    const writes = recordWrites(conn);
    const small = Buffer.from('Subject: small\r\n\r\nline one\r\n.dotted line\r\nlast line');
    const r1 = await conn.send('from@example.net', ['to@example.com'], small);
    assert.match([...r1.recipients.values()][0].reply, /^250/);
    const withContent = writes.filter((w) => w.includes('line one'));
    assert.equal(withContent.length, 1, `content written once: ${JSON.stringify(writes)}`);
    assert.ok(withContent[0].endsWith('last line\r\n.\r\n'), `the final dot in the same write: ${JSON.stringify(withContent[0])}`);

    // Past the socket's high-water mark the write waits for a drain: the cork must not hold it.
    const large = Buffer.concat([Buffer.from('Subject: large\r\n\r\n'), Buffer.alloc(3 * 1024 * 1024, 'x'), Buffer.from('\r\nend')]);
    const r2 = await conn.send('from@example.net', ['to@example.com'], large);
    assert.match([...r2.recipients.values()][0].reply, /^250/);
    assert.equal(server.received.length, 2);
    assert.equal(server.received[0].toString(), 'Subject: small\r\n\r\nline one\r\n.dotted line\r\nlast line\r\n');
    assert.equal(server.received[1].length, large.length + 2);
  } finally {
    conn.close();
    await server.close();
  }
});

test('RawFile.readWhole reads a file whole: empty, exactly the first buffer, and several times it', async () => {
  const dir = await tempDir();
  try {
    for (const [size, expected] of [
      [0, 1024],
      [1024, 1024],
      [5_000, 1024],
      [40_000, 16 * 1024],
    ]) {
      const file = path.join(dir, `f${size}`);
      const data = Buffer.alloc(size);
      for (let i = 0; i < size; i++) data[i] = (i * 7) & 0xff;
      await writeFile(file, data);
      assert.deepEqual(await RawFile.readWhole(file, expected), data, `${size} bytes, first read of ${expected}`);
    }
    await assert.rejects(RawFile.readWhole(path.join(dir, 'missing')), { code: 'ENOENT' });
  } finally {
    await removeDir(dir);
  }
});
