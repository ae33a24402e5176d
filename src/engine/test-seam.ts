// The test seam: the one documented door to a running engine's parts, for tests, scripts and
// the benchmark that must look inside (a queue record, a destination's state, the clock moved
// by hand, a bounce generator to wait on). What the engine API answers is asked of `engine.api`;
// only what it does not is taken from here. Production code never imports this file.
//
//   const parts = engineParts(engine);
//   parts.clock.advance(60_000);
//   assert.equal(parts.queue.count, 0);
import { engineInternals, type Engine } from './engine.js';
import type { EngineParts } from './assembly.js';

export type { EngineParts };

/** The parts of a started engine (queue, scheduler, records, counters, listeners, clock, log, state...). */
export function engineParts(engine: Engine): EngineParts {
  return engineInternals(engine);
}
