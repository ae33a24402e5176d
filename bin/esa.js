#!/usr/bin/env node
// The `esa` executable: loads the compiled command line (built by `npm ci` through `prepare`).
import('../dist/cli/main.js').catch((err) => {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/cli/main.js')) {
    console.error('esa: not built yet: run `npm ci` (or `npm run build`) in the project first');
    process.exit(2);
  }
  throw err;
});
