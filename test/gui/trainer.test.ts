// The trainer's page of the sandbox over HTTP: the backend taken down, test traffic injected, the
// clock moved, all by the `sim` commands in the user's session; the queue graph and the scenario
// status shown; a guest refused; the page absent outside the sandbox.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { ControlServer } from '../../src/appliance/control/server.js';
import { SANDBOX_COMMANDS } from '../../src/appliance/registry.js';
import { GuiServer } from '../../src/gui/server.js';
import { BackendServer } from '../../src/sandbox/backend.js';
import { Sandbox } from '../../src/sandbox/sandbox.js';
import { ensureFirstAdmin } from '../../src/users/first-admin.js';
import { ACCESS_REFUSED } from '../../src/users/roles.js';
import { batch } from '../cli/cli-harness.js';
import { removeDir, startEngine } from '../helpers/harness.js';
import type { Engine } from '../../src/engine/engine.js';
import { ADMIN_PASSWORD, bannerOf, csrfOf, startGuiEngine, WebClient } from './gui-harness.js';

let backend: BackendServer;
let sandbox: Sandbox;
let engine: Engine;
let control: ControlServer;
let gui: GuiServer;
let base: string;

before(async () => {
  backend = new BackendServer({ host: '127.0.0.1', port: 0, keep: true });
  await backend.start();
  sandbox = new Sandbox(backend);
  engine = await startEngine({ sandbox, backendPort: backend.port });
  control = await ControlServer.start(engine.api, path.join(engine.api.dataDir, 'esa.sock'), SANDBOX_COMMANDS);
  await ensureFirstAdmin(engine.api, ADMIN_PASSWORD);
  gui = await GuiServer.start({ control, listen: { host: '127.0.0.1', port: 0 } });
  base = `http://127.0.0.1:${gui.address.port}`;
  const r = await batch(control.socketPath, 'userconfig new guest1 role="Guests" password=Gu3st#Look!x\ncommit "guest"\n');
  assert.equal(r.code, 0, r.stdout + r.stderr);
});

after(async () => {
  await gui.close();
  await control.close();
  const dir = engine.api.dataDir;
  await engine.stop();
  await backend.stop();
  await removeDir(dir);
});

test('the trainer takes the backend down, injects mail and moves the clock; the page shows the queue', async () => {
  const w = new WebClient(base);
  await w.login('admin', ADMIN_PASSWORD);
  const page = await w.get('/sandbox/trainer');
  assert.equal(page.status, 200);
  assert.match(page.text, /No scenario is running\./);
  assert.match(page.text, /id="queue_graph"/);
  const token = csrfOf(page.text);
  const down = await w.follow(await w.post('/sandbox/trainer', { CSRFKey: token, 'action:BackendDown': 'Backend down' }));
  assert.equal(bannerOf(down.text)?.title, 'Success');
  assert.equal(sandbox.backendMode(), 'down');
  const injected = await w.follow(
    await w.post('/sandbox/trainer', { CSRFKey: token, inject_count: '5', inject_domain: 'example.com', 'action:Inject': 'Inject' }),
  );
  assert.match(bannerOf(injected.text)!.message, /Accepted: 5 {2}Refused: 0/);
  assert.equal(engine.api.gauges().queuedMessages, 5);
  const before = engine.api.now();
  const jumped = await w.follow(await w.post('/sandbox/trainer', { CSRFKey: token, clock_jump: '1h', 'action:Jump': 'Jump' }));
  assert.match(bannerOf(jumped.text)!.message, /The clock moved ahead 1h/);
  assert.ok(engine.api.now() >= before + 3_600_000);
  assert.match(jumped.text, /<td id="queued">5<\/td>/);
  const bad = await w.follow(await w.post('/sandbox/trainer', { CSRFKey: token, clock_scale: 'fast', 'action:Scale': 'Set Speed' }));
  assert.equal(bannerOf(bad.text)?.title, 'Error');

  const guest = new WebClient(base);
  await guest.login('guest1', 'Gu3st#Look!x');
  const seen = await guest.get('/sandbox/trainer');
  assert.equal(seen.status, 200);
  const refused = await guest.follow(await guest.post('/sandbox/trainer', { CSRFKey: csrfOf(seen.text), 'action:BackendUp': 'Backend up' }));
  assert.deepEqual(bannerOf(refused.text), { title: 'Error', message: ACCESS_REFUSED });
  assert.equal(sandbox.backendMode(), 'down');
});

test('outside the sandbox there is no trainer page and no Sandbox tab', async () => {
  const e = await startGuiEngine();
  try {
    const w = new WebClient(e.base);
    const home = await w.login('admin', ADMIN_PASSWORD);
    assert.doesNotMatch(home.text, />Sandbox</);
    assert.equal((await w.get('/sandbox/trainer')).status, 404);
  } finally {
    await e.stop();
  }
});
