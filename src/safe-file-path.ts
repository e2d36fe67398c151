// The file path a raw URL path names, refused when it could leave its folder: one rule for served files and image sizes.

// biome-ignore lint/suspicious/noControlCharactersInRegex: a control character in a path is refused, so it is matched.
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * The file path a URL path names, or undefined when it must not be served: encoded slashes or backslashes, NUL,
 * `.`/`..` segments, empty segments, dotfiles (`.git`, `.env`) anywhere in the path. Checked on the raw,
 * still-encoded URL, so `%2e%2e` and `%2f` cannot slip past a check made after decoding.
 */
export function safeFilePath(rawPath: string): string | undefined {
  if (/%2f|%5c|%00|\\/i.test(rawPath)) return undefined;
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return undefined;
  }
  const segments = decoded.replace(/^\/+/, '').split('/');
  for (const segment of segments) {
    if (segment === '' || segment.startsWith('.') || CONTROL.test(segment)) return undefined;
  }
  return segments.join('/');
}
