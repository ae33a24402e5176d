// The engine's events (the API's EngineEvents): the parts say what changed, the API's
// subscribers (waits in commands, the shell's status bar, `tail`) listen.
import { EventEmitter } from 'node:events';
import type { EngineEventName, EngineEvents } from '../api/engine-api.js';

export class EventBus {
  readonly #emitter = new EventEmitter();

  emit<E extends EngineEventName>(event: E, ...args: EngineEvents[E]): void {
    this.#emitter.emit(event, ...args);
  }

  /** Subscribes; returns the function that unsubscribes. */
  on<E extends EngineEventName>(event: E, listener: (...args: EngineEvents[E]) => void): () => void {
    const fn = listener as (...a: unknown[]) => void;
    this.#emitter.on(event, fn);
    return () => this.#emitter.off(event, fn);
  }

  /** Whether anyone listens (a mail log line is trimmed for its subscribers only). */
  listening(event: EngineEventName): boolean {
    return this.#emitter.listenerCount(event) > 0;
  }
}
