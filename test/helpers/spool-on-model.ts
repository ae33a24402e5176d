// A spool on the power-loss model (power-loss-fs.ts), for the tests that cut power after every
// file system operation of the spool's own steps (spool-reuse.test.ts, spool-placed.test.ts).
import path from 'node:path';
import type { Envelope } from '../../src/engine/queue/message.js';
import { Spool } from '../../src/engine/queue/spool.js';
import { removeDir, tempDir } from './harness.js';
import { PowerLossModel, type Image } from './power-loss-fs.js';

/** A one-recipient envelope for MID `mid`. */
export function testEnvelope(mid: number): Envelope {
  return {
    mid,
    from: 'alice@example.org',
    to: [`bob${mid}@example.com`],
    arrival: Date.UTC(2026, 10, 30, 6, 0, 0),
    icid: 1,
    listener: 'IncomingMail',
    profile: 'Default',
  };
}

/** Every `<bucket>/<MID>.msg` a power cut's image holds. */
export function* spoolFilesIn(image: Image): Generator<{ where: string; mid: number; data: Buffer }> {
  const spool = ((image.get('queue') as Image | undefined)?.get('spool') as Image | undefined) ?? new Map();
  for (const [bucket, files] of spool) {
    if (!(files instanceof Map) || !/^\d+$/.test(bucket)) continue;
    for (const [name, data] of files) {
      const m = /^(\d+)\.msg$/.exec(name);
      if (m && !(data instanceof Map)) yield { where: `${bucket}/${name}`, mid: Number(m[1]), data };
    }
  }
}

/** Runs `body` with a spool (not yet opened) in a temp dir the model watches; all is undone after. */
export async function withSpoolOnModel(prefix: string, body: (spool: Spool, model: PowerLossModel) => Promise<void>): Promise<void> {
  const root = await tempDir(prefix);
  const model = await PowerLossModel.install(root);
  const spool = new Spool(path.join(root, 'queue'));
  try {
    await body(spool, model);
  } finally {
    model.onOperation = null;
    await spool.close();
    model.uninstall();
    await removeDir(root);
  }
}
