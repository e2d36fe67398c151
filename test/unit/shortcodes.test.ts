// Hugo shortcodes: converted as before, and text that only looks like the start of one costs one pass, not minutes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Notes } from '../../src/posts/formats/segments.js';
import { convertShortcodes } from '../../src/posts/formats/shortcodes.js';

const convert = (text: string) => {
  const notes = new Notes();
  const out = convertShortcodes(text, 1, notes, {});
  return { out, notes: notes.list.map((note) => note.message) };
};

test('a figure, an escaped shortcode and an unknown one convert as written', () => {
  const { out, notes } = convert('{{< figure src="/a.png" alt="A" >}}\n\n{{</* gist u 1 */>}}\n\n{{% unknown x %}}');
  assert.match(out, /<figure><img src="\/a.png" alt="A"><\/figure>/);
  assert.match(out, /`\{\{< gist u 1 >\}\}`/);
  assert.match(out, /`\{\{% unknown x %\}\}`/);
  assert.deepEqual(notes, ['shortcode {{< unknown >}} is not run (shown as written)']);
});

test('highlight pairs become fenced code, each opening with the next closing', () => {
  const { out } = convert(
    '{{< highlight go >}}\na := 1\n{{< /highlight >}}\ntext\n{{< highlight py >}}\nb = 2\n{{< /highlight >}}',
  );
  assert.equal(out, '```go\na := 1\n```\ntext\n```py\nb = 2\n```');
});

// Each input made the old patterns backtrack (cubic or quadratic in its length): 4,000 spaces took over a minute.
for (const [name, text] of [
  ['an open shortcode and 100,000 spaces', `{{< x${' '.repeat(100_000)}`],
  ['an escaped open one and 100,000 spaces', `{{</* x${' '.repeat(100_000)}`],
  ['25,000 openings with no end', '{{<a'.repeat(25_000)],
  ['6,000 highlight openings with no end', '{{< highlight xx'.repeat(6_000)],
] as const) {
  test(`${name}: left as written, in one pass`, () => {
    assert.equal(convert(text).out, text);
  });
}

test('5,000 highlights with no closing: each shown as code, in one pass', () => {
  const { out, notes } = convert('{{< highlight x >}}'.repeat(5_000));
  assert.equal(out, '`{{< highlight x >}}`'.repeat(5_000));
  assert.deepEqual(notes, ['shortcode {{< highlight >}} is not run (shown as written)']);
});
