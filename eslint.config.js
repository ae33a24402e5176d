// ESLint for the whole project: typescript-eslint's recommended rules, no unused names, and the
// layer rule — front ends and commands reach the engine only through src/api (and src/model);
// the model stays pure. Formatting is Prettier's (`npm run lint` checks both).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** An import of any module under src/engine/ (however many `../` lead there). */
const ENGINE = ['**/engine/**', '!**/engine-api*'];

const layer = (message, group, allowTypeImports = false) => ({
  'no-restricted-imports': ['error', { patterns: [{ group, message, allowTypeImports }] }],
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'docs/**', 'test/**/fixtures/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        setImmediate: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        performance: 'readonly',
        structuredClone: 'readonly',
        queueMicrotask: 'readonly',
        AbortController: 'readonly',
        AbortSignal: 'readonly',
        TextDecoder: 'readonly',
        TextEncoder: 'readonly',
        NodeJS: 'readonly',
        fetch: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-explicit-any': 'error',
      'no-control-regex': 'off',
      // A closure that runs later may read a name assigned after it is made.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      // Tables are matched column by column: a run of blanks reads as the output looks.
      'no-regex-spaces': 'off',
      // An object literal of functions (a session's io, a file system model) names its owner.
      '@typescript-eslint/no-this-alias': ['error', { allowedNames: ['session', 'self', 'model'] }],
      'no-empty': ['error', { allowEmptyCatch: true }],
    },
  },
  // Front ends and commands: the engine API and the model, never the engine's parts.
  {
    files: ['cli/**', 'src/appliance/**', 'src/gui/**', 'src/sandbox/**', 'src/users/**'],
    ignores: ['cli/start.ts', 'cli/sandbox.ts'],
    rules: layer("Front ends and commands use the engine API (src/api) and the model (src/model), never the engine's parts.", ENGINE),
  },
  // The entry points start the engine: its front door (engine.ts) only.
  {
    files: ['cli/start.ts', 'cli/sandbox.ts'],
    rules: layer('Entry points start the engine through src/engine/engine.ts only; everything else goes through the engine API.', [
      ...ENGINE,
      '!**/engine/engine.js',
    ]),
  },
  // The model is pure: no engine, API, front end, file or socket.
  {
    files: ['src/model/**'],
    rules: layer('src/model is pure: it imports nothing of the engine, the API or the front ends.', [
      ...ENGINE,
      '**/api/**',
      '**/appliance/**',
      '**/gui/**',
      '**/sandbox/**',
      '**/cli/**',
      'node:fs',
      'node:fs/*',
      'node:child_process',
    ]),
  },
  // The API is a door: its implementation may name the engine's types, never call into its parts.
  {
    files: ['src/api/**'],
    rules: layer('src/api depends on the engine through the narrow core interface only.', [...ENGINE, '**/appliance/**', '**/gui/**', '**/cli/**'], true),
  },
  // The engine never reaches up into front ends or commands.
  {
    files: ['src/engine/**'],
    rules: layer('The engine does not import front ends or commands.', ['**/appliance/**', '**/gui/**', '**/cli/**']),
  },
);
