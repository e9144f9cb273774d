import type { JobEvent } from '../core/event.js';

export type HubListener = (event: JobEvent) => void;

/**
 * Carries each canonical event from the node that owns its job to every node once. The owner
 * publishes only after the event is committed to the store, so anything a node hears is durable.
 * Single node: `LocalHub`, a direct call. Cluster: a Redis-backed hub with the same contract.
 */
export interface Hub {
  publish(event: JobEvent): void;
  subscribe(listener: HubListener): () => void;
  close(): Promise<void>;
}

export class LocalHub implements Hub {
  readonly #listeners = new Set<HubListener>();

  publish(event: JobEvent): void {
    for (const listener of this.#listeners) listener(event);
  }

  subscribe(listener: HubListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.#listeners.clear();
  }
}
