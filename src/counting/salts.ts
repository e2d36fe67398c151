// The day's visitor salt (the key of unique-daily's visitor hash), in memory; SQLite and Redis keep theirs durable.
import { randomBytes } from 'node:crypto';

/**
 * Contract for every implementation: `saltFor` gives the salt of a UTC day, random, the same for every process sharing
 * the backend, gone after the day. Claims themselves are committed by the store with what takes them
 * (CounterStore.apply), never here.
 */
export interface SaltRegistry {
  /** Rejects when the salt cannot be known now (its backend unreachable): the read is told to retry later. */
  saltFor(day: string): Promise<string>;
  close(): Promise<void>;
}

export class MemorySalts implements SaltRegistry {
  private readonly salts = new Map<string, string>();

  async saltFor(day: string): Promise<string> {
    let salt = this.salts.get(day);
    if (!salt) {
      salt = randomBytes(32).toString('base64url');
      this.salts.set(day, salt);
      // Yesterday's salt must be gone: without it, yesterday's visitor hashes cannot be linked to anyone.
      for (const known of this.salts.keys()) if (known < day) this.salts.delete(known);
    }
    return salt;
  }

  async close(): Promise<void> {
    this.salts.clear();
  }
}
