// Writes a message archived by `archivemessage` to the data dir's `configuration/` directory:
// a temp file, fsynced, renamed over any earlier archive of it, the directory fsynced.
import { open, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import { fsyncDir, makeDurableDir } from '../fs/durable-dir.js';

/** The configuration directory (the appliance's place for files an admin fetches). */
export const configurationDir = (dataDir: string): string => path.join(dataDir, 'configuration');

export async function writeArchive(dataDir: string, name: string, text: string): Promise<void> {
  const dir = configurationDir(dataDir);
  await makeDurableDir(dir);
  const file = path.join(dir, name);
  const temp = `${file}.${process.pid}.tmp`;
  const fh = await open(temp, 'w', 0o600);
  try {
    await fh.writeFile(text);
    await fh.sync();
  } catch (e) {
    await fh.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    throw e;
  }
  await fh.close();
  await rename(temp, file);
  await fsyncDir(dir);
}
