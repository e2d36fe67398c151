// Values every live socket holds, kept small: times as inline integers, topic and page strings shared, not copied.

/**
 * Times are kept as whole ms since this module loaded: V8 stores a small integer inside the object, while a
 * Date.now() value (or a plain difference of two) is a separately allocated number, 16 bytes per such field of each
 * idle viewer. Math.floor is what makes it a small integer (for the first 12 days of uptime; after that it is
 * a boxed number again, still correct).
 */
const EPOCH = Date.now();
export const liveClock = (): number => Math.floor(Date.now() - EPOCH);

/**
 * Joined topics are usually one of a few hundred, but each socket's frame carries its own copy of the string;
 * sockets keep one shared copy instead. Only topics a route accepted (and page names from tokens we signed) get here;
 * the bound is a safety net.
 */
const interned = new Map<string, string>();
export function intern(text: string): string {
  const known = interned.get(text);
  if (known !== undefined) return known;
  if (interned.size >= 4096) interned.clear();
  interned.set(text, text);
  return text;
}
