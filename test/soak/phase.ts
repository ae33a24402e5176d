// One phase of `npm run soak` (scripts/soak.ts): a long form of a crash, fault or abuse test
// that reports its counts. Other test files plug phases in by exporting `soakPhase`.
export interface PhaseResult {
  /** Label → value, printed in order (counts, rates, or a reason it was skipped). */
  figures: Record<string, string | number>;
  /** Empty when the phase passed. */
  failures: string[];
}

export interface SoakPhase {
  name: string;
  /** `quick`: a small run (`npm run soak -- --quick`). Must finish well inside the soak's 10 minutes. */
  run(options: { quick: boolean }): Promise<PhaseResult>;
}
