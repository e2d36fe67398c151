// Values every live socket holds, kept small: times as inline integers, topic strings shared, not copied.

/**
 * Times are kept as whole ms since the clock was made: V8 stores a small integer inside the object, while a
 * Date.now() value (or a plain difference of two) is a separately allocated number, 16 bytes per such field of each
 * idle socket. Math.floor is what makes it a small integer (for the first 12 days of uptime; after that it is
 * a boxed number again, still correct).
 */
export class LiveClock {
  private readonly epoch: number;

  constructor(private readonly wallClock: () => number = Date.now) {
    this.epoch = wallClock();
  }

  now(): number {
    return Math.floor(this.wallClock() - this.epoch);
  }
}

/**
 * Joined topics are usually one of a few hundred, but each socket's frame carries its own copy of the string;
 * sockets keep one shared copy instead. Only topics a route accepted get here; the bound is a safety net.
 */
export class Interner {
  private readonly known = new Map<string, string>();

  constructor(private readonly max = 4096) {}

  intern(text: string): string {
    const known = this.known.get(text);
    if (known !== undefined) return known;
    if (this.known.size >= this.max) this.known.clear();
    this.known.set(text, text);
    return text;
  }
}
