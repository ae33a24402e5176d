// Build step after tsc: bundles the Ink screen (Ink, React and their ~400 modules) into one
// file, so the interactive shell is drawn in about a quarter of the time. run.ts loads the
// bundle when it exists and the plain modules otherwise (tests run from the sources).
import { build } from 'esbuild';

await build({
  entryPoints: ['dist/cli/ink/screen.js'],
  outfile: 'dist/cli/ink/screen.bundle.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  logLevel: 'error',
  // Ink imports React DevTools only when DEV=true; the appliance shell never does.
  alias: { 'react-devtools-core': './dist/cli/ink/devtools-stub.js' },
  // Bundled CommonJS modules (React) call require(); give them one in the ESM bundle.
  banner: { js: "import { createRequire as __esaCreateRequire } from 'node:module'; const require = __esaCreateRequire(import.meta.url);" },
});
