// The short forms of the soak (npm run soak runs the long ones: scripts/soak.ts): a few
// kill -9 under load, every backend fault mode once, with the same counts and the same
// rules: nothing that got a 250 is lost, duplicates only from a kill or a lost reply.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backendFaults, FAULT_MODES } from './backend-faults.js';
import { crashUnderLoad } from './crash-load.js';

test('kill -9 under load, twice: nothing lost, duplicates only from messages in flight at a kill', async () => {
  const f = await crashUnderLoad({ kills: 2, between: [30, 60] });
  console.log(
    `# crash (short): ${f.kills} kills, ${f.accepted} accepted at ${f.msgPerSecond} msg/s, ${f.lost} lost, ${f.duplicates} duplicates (${f.duplicatesInFlightAtKill} in flight at a kill)`,
  );
  assert.equal(f.kills, 2);
  assert.equal(f.lost, 0);
  assert.equal(f.duplicatesUnexplained, 0);
});

test('every backend fault mode once: nothing lost; duplicates only where the reply after the dot was cut', async () => {
  const f = await backendFaults({ perMode: 6 });
  console.log(
    `# faults (short): ${f.modes} modes, ${f.faultsInjected} faults, ${f.messages} messages, ${f.lost} lost, ${f.duplicates} duplicates (${f.duplicatesReplyLost} reply lost after the dot)`,
  );
  assert.equal(f.modes, FAULT_MODES.length);
  assert.equal(f.lost, 0, JSON.stringify(f.perMode));
  assert.equal(f.duplicates, f.duplicatesReplyLost, JSON.stringify(f.perMode));
  for (const m of f.perMode) assert.ok(m.injected > 0, `faults were injected in mode ${m.mode}`);
});
