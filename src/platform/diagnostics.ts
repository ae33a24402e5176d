// The one port for warnings and bugs. Every engine part gets it instead of writing to stderr:
// `esa start` prints to stderr, the sandbox sends it to the mail log and the status bar (a
// write to stderr would land on top of the Ink screen), tests collect it.
import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';

export interface Diagnostics {
  /** Something an operator should know (a corrupt file set aside, a write that failed). */
  warn(line: string): void;
  /** A bug: an error no user input should cause. `where` names what failed. */
  bug(where: string, error: unknown): void;
}

/** Writes to stderr, as `esa start` does. */
export const stderrDiagnostics: Diagnostics = {
  warn: (line) => process.stderr.write(`esa: warning: ${line}\n`),
  bug: (where, error) => process.stderr.write(`esa: ${where} failed: ${(error as Error)?.stack ?? String(error)}\n`),
};

/**
 * For a process whose terminal shows a full-screen UI (`esa sandbox`): warnings go to
 * `warn` (the mail log), bugs with their stack to `<data dir>/logs/error_logs`.
 */
export function quietDiagnostics(dataDir: string, warn: (line: string) => void): Diagnostics {
  const file = path.join(dataDir, 'logs', 'error_logs');
  return {
    warn,
    bug: (where, error) => {
      warn(`${where} failed: ${(error as Error)?.message ?? String(error)} (details in ${file})`);
      try {
        mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
        appendFileSync(file, `${new Date().toISOString()} ${where} failed: ${(error as Error)?.stack ?? String(error)}\n`, { mode: 0o600 });
      } catch {
        // Nowhere left to say it: the warning above is all there is.
      }
    },
  };
}

/** Keeps everything in memory (tests, and the sandbox's status bar). */
export class CollectedDiagnostics implements Diagnostics {
  /** The most recent warnings (a failing disk repeats one every flush: the list stays bounded). */
  readonly warnings: string[] = [];
  readonly bugs: string[] = [];
  /** Warnings since the start, kept or not. */
  warningCount = 0;
  static readonly KEPT = 100;
  constructor(readonly forward?: Diagnostics) {}
  warn(line: string): void {
    this.warningCount++;
    this.warnings.push(line);
    if (this.warnings.length > CollectedDiagnostics.KEPT) this.warnings.shift();
    this.forward?.warn(line);
  }
  bug(where: string, error: unknown): void {
    this.bugs.push(`${where}: ${(error as Error)?.message ?? String(error)}`);
    if (this.bugs.length > CollectedDiagnostics.KEPT) this.bugs.shift();
    this.forward?.bug(where, error);
  }
}
