// What render plugins get in markdown-it's `env`: a way to hand finished HTML past the sanitizer.

export interface RenderEnv {
  /**
   * Keeps trusted HTML (KaTeX's inline styles, shiki's colours) out of the sanitizer and returns the placeholder to
   * emit instead; the renderer puts the HTML back after sanitizing. Only for HTML a library built from escaped input.
   */
  readonly park?: (html: string) => string;
}

/** Parks `html` when the renderer offers it (a plain markdown-it in a test has no sanitizer to skip). */
export function parked(env: unknown, html: string): string {
  const park = (env as RenderEnv | undefined)?.park;
  return park ? park(html) : html;
}

/** The fence's language: the info string's first word, lowercased. */
export function fenceLanguage(info: string): string {
  return (
    info
      .trim()
      .split(/[\s,{]/)[0]
      ?.toLowerCase() ?? ''
  );
}
