// Runs a text rewrite over the parts of a markdown body outside fenced code, so examples in code blocks stay as written.

const FENCE = /^ {0,3}(`{3,}|~{3,})/;

/** What a rewrite tells the author: shown by `readcount check` with the file's line. */
export interface PostNote {
  readonly line: number;
  readonly message: string;
}

/** Collects notes for one file; `line(chunkStart, text, offset)` finds a match's line in the file. */
export class Notes {
  readonly list: PostNote[] = [];
  add(line: number, message: string): void {
    if (!this.list.some((note) => note.line === line && note.message === message)) this.list.push({ line, message });
  }
}

/** The file line of `offset` in a chunk that starts at `startLine`. */
export function lineAt(chunk: string, offset: number, startLine: number): number {
  let line = startLine;
  for (let index = chunk.indexOf('\n'); index !== -1 && index < offset; index = chunk.indexOf('\n', index + 1)) line++;
  return line;
}

/** `rewrite` gets each run of lines outside code fences with the file line it starts on. */
export function outsideFences(
  body: string,
  firstLine: number,
  rewrite: (chunk: string, line: number) => string,
): string {
  const lines = body.split('\n');
  const out: string[] = [];
  let chunk: string[] = [];
  let chunkLine = firstLine;
  let fence: string | undefined;
  const flush = (nextLine: number) => {
    if (chunk.length > 0) out.push(rewrite(chunk.join('\n'), chunkLine));
    chunk = [];
    chunkLine = nextLine;
  };
  for (const [index, line] of lines.entries()) {
    const marker = FENCE.exec(line)?.[1];
    if (fence === undefined && marker !== undefined) {
      flush(firstLine + index);
      fence = marker;
      out.push(line);
    } else if (fence !== undefined) {
      out.push(line);
      if (marker !== undefined && marker[0] === fence[0] && marker.length >= fence.length && line.trim() === marker) {
        fence = undefined;
        chunkLine = firstLine + index + 1;
      }
    } else chunk.push(line);
  }
  flush(firstLine + lines.length);
  return out.join('\n');
}

function countNewlines(text: string): number {
  let count = 0;
  for (let index = text.indexOf('\n'); index !== -1; index = text.indexOf('\n', index + 1)) count++;
  return count;
}

/**
 * `output` in place of `whole`, as a block of its own, padded to as many lines as `whole` had, so the lines of
 * notes found later in the same text still match the file.
 */
export function asBlock(output: string, whole: string): string {
  return `${output}${'\n'.repeat(Math.max(0, countNewlines(whole) - countNewlines(output)))}`;
}

/** A fenced code block for converted `highlight` tags and shortcodes. */
export function fencedBlock(language: string, code: string): string {
  const longest = Math.max(2, ...[...code.matchAll(/`+/g)].map((run) => run[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${language}\n${code.replace(/^\r?\n|\r?\n$/g, '')}\n${fence}`;
}
