// `readcount import` as run from a terminal on a real SQLite DATA_DIR: bounded counts, real days, one-line refusals, escaped file text, export → import at the limits.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { type CliRun, cli } from '../helpers/cli.js';
import { dataDirSnapshot as snapshot } from '../helpers/snapshot.js';

const GOAT_HEADER =
  '2,Path,Title,Event,User-Agent,Browser,System,Session,Bot,Referrer,Referrer scheme,Screen size,Location,FirstVisit,Date';
const goatRow = (path: string, date: string) =>
  `${path},Hello,false,,Firefox 128,Linux,s1,0,,,"1920,1080,1",NL,true,${date}`;
const exportJson = (posts: unknown[]) => JSON.stringify({ format: 'readcount-export', version: 1, posts });
// The terminal sequences a hostile file could carry: colour, clear screen, set the window title, a bidi override.
const ESCAPES = '\u001b[2J\u001b]0;pwned\u0007\u001b[31m\u202e\u009b';

/** A refusal: exit 1, every stderr line one `readcount import: <file>: …` line, no stack, no raw control character. */
function assertRefused(run: CliRun, file: string, pattern: RegExp): void {
  assert.equal(run.code, 1, run.stderr);
  const lines = run.stderr.trimEnd().split('\n');
  for (const line of lines) assert.ok(line.startsWith(`readcount import: ${file}: `), line);
  assert.ok(
    lines.some((line) => pattern.test(line)),
    run.stderr,
  );
  assert.doesNotMatch(run.stderr, /^\s+at /m, 'no stack');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: no control character from the file may be printed.
  assert.doesNotMatch(run.stderr + run.stdout, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
}

describe('readcount import: bounds, days and one-line refusals', () => {
  let root: string;
  let data: string;
  let posts: string;
  const run = (file: string, env: Record<string, string> = {}) =>
    cli(['import', file], { DATA_DIR: data, POSTS_DIR: posts, ...env });
  const file = async (name: string, content: string | Buffer) => {
    const path = join(root, name);
    await writeFile(path, content);
    return path;
  };

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'readcount-import-bounds-'));
    data = join(root, 'data');
    posts = join(root, 'posts');
    await mkdir(data);
    await mkdir(posts);
    await writeFile(join(posts, 'hello.md'), '---\ntitle: Hello\ndate: 2024-01-01\n---\n\nText.\n');
    const store = new SqliteStore(join(data, 'readcount.db'));
    await store.ensureCounters(['hello']);
    await store.apply([{ slug: 'hello', day: '2024-05-01', count: 7 }], []);
    await store.close();
  });
  after(() => rm(root, { recursive: true, force: true }));

  test('counts at or past 2^53 (a day, a total, days that add up) are refused naming the limit; nothing is written', async () => {
    const before = await snapshot(data);
    const max = 2 ** 53 - 1;
    const cases: [string, string, RegExp][] = [
      [
        'two-max-days.json',
        exportJson([
          {
            slug: 'hello',
            total: 0,
            daily: [
              { day: '2024-01-01', count: max },
              { day: '2024-01-02', count: max },
            ],
          },
        ]),
        /daily\[0\] \(hello\): .*IMPORT_MAX_DAY_COUNT/,
      ],
      ['total.json', exportJson([{ slug: 'hello', total: 2 ** 53, daily: [] }]), /IMPORT_MAX_TOTAL/],
      ['day.csv', `slug,day,count\nhello,2024-01-01,${2 ** 53}\n`, /line 2: .*IMPORT_MAX_DAY_COUNT|line 2: expected/],
      [
        'sum.csv',
        `slug,day,count\nhello,2024-01-01,900000000000\nhello,2024-01-02,900000000000\n`,
        /hello: its days add up to 1800000000000, over 1000000000000 \(IMPORT_MAX_TOTAL\)/,
      ],
    ];
    for (const [name, content, pattern] of cases) {
      const path = await file(name, content);
      assertRefused(await run(path, name === 'sum.csv' ? { IMPORT_MAX_TOTAL: '1000000000000' } : {}), path, pattern);
    }
    assert.deepEqual(await snapshot(data), before);
  });

  test('an import that would take the stored total past IMPORT_MAX_TOTAL is refused before anything is written', async () => {
    const before = await snapshot(data);
    const path = await file('raise.csv', 'slug,day,count\nhello,2024-06-01,95\n');
    assertRefused(await run(path, { IMPORT_MAX_TOTAL: '100' }), path, /hello: the total would become 102, over 100/);
    assert.deepEqual(await snapshot(data), before);
  });

  test('days are real calendar days of 1970–9999: year -1, 2023-02-30 and 1969 are refused', async () => {
    const before = await snapshot(data);
    const goat = await file(
      'year-minus-one.csv',
      `${GOAT_HEADER}\n${goatRow('/post/hello', '-000001-06-01T00:00:00Z')}\n`,
    );
    assertRefused(await run(goat), goat, /line 2: Date "-000001-06-01T00:00:00Z" is not a day of 1970–9999/);
    for (const day of ['2023-02-30', '1969-12-31', '-000001-06-01', '10000-01-01']) {
      const csv = await file(`day-${day}.csv`, `slug,day,count\nhello,${day},1\n`);
      assertRefused(await run(csv), csv, /line 2: expected slug,day\|total,count/);
      const json = await file(`day-${day}.json`, exportJson([{ slug: 'hello', total: 1, daily: [{ day, count: 1 }] }]));
      assertRefused(await run(json), json, /daily\[0\] \(hello\): needs a unique day YYYY-MM-DD of 1970–9999/);
    }
    assert.deepEqual(await snapshot(data), before);
  });

  test('a binary file and a CSV with an unclosed quote get one line each, no stack', async () => {
    const binary = await file(
      'photo.csv',
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d, 0x1b, 0x5b, 0x32, 0x4a]),
    );
    assertRefused(await run(binary), binary, /line 1: not a text file \(it holds binary data\)/);
    const quote = await file('quote.csv', 'slug,day,count\nhello,"2024-01-01,3\nhello,2024-01-02,4\n');
    const refused = await run(quote);
    assertRefused(refused, quote, /line \d+: Quote Not Closed/);
    const broken = await file('broken.json', '{"format": "readcount-export", "posts": [');
    assertRefused(await run(broken), broken, /not valid JSON/);
  });

  test('terminal escape sequences in the file are printed escaped (\\x1b), never raw', async () => {
    const slug = await file('escapes.csv', `slug,day,count\nhello${ESCAPES},2024-01-01,1\n`);
    const refused = await run(slug);
    assertRefused(refused, slug, /line 2: expected .*hello\\x1b\[2J\\x1b\]0;pwned\\x07\\x1b\[31m\\u202e\\x9b/);
    const json = await file('escapes.json', `{"format": ${JSON.stringify(ESCAPES)}, "posts": ]`);
    assertRefused(await run(json), json, /not valid JSON/);
    const named = await file(`name${ESCAPES.slice(0, 4)}.csv`, 'slug,day,count\nhello,2023-02-30,1\n');
    assertRefused(await run(named), named.replace('\u001b', '\\x1b'), /line 2/);
    // A skipped GoatCounter path is the file's own text too.
    const goat = await file('goat-escapes.csv', `${GOAT_HEADER}\n${goatRow(`/x${ESCAPES}`, '2024-05-01T08:00:00Z')}\n`);
    const imported = await run(goat);
    assert.equal(imported.code, 0, imported.stderr);
    assert.match(imported.stdout, /skipped 1 row\(s\): not a post: \/x\\x1b\[2J/);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: no raw control character reaches the terminal.
    assert.doesNotMatch(imported.stdout, /[\u001b\u0007\u009b\u202e]/);
  });
});

describe('export → import round trip at the limits', () => {
  test('a store holding a day at IMPORT_MAX_DAY_COUNT and engagement exports files (JSON, CSV) that import back identical', async () => {
    const root = await mkdtemp(join(tmpdir(), 'readcount-roundtrip-'));
    try {
      const source = join(root, 'source');
      await mkdir(source);
      const store = new SqliteStore(join(source, 'readcount.db'));
      await store.ensureCounters(['big', 'small']);
      await store.apply(
        [
          { slug: 'big', day: '1970-01-01', count: 1_000_000_000_000 },
          { slug: 'big', day: '9999-12-31', count: 1_000_000_000_000 },
          { slug: 'small', day: '2024-02-29', count: 1 },
        ],
        [{ slug: 'big', day: '2024-02-29', field: 'v', count: 1_000_000_000_000 }],
      );
      await store.close();
      const expected = await snapshot(source);
      assert.equal(expected.find((p) => p.slug === 'big')?.total, 2_000_000_000_000);
      for (const format of ['json', 'csv'] as const) {
        const out = join(root, `export.${format}`);
        const exported = await cli(['export', '--format', format, '--output', out], { DATA_DIR: source });
        assert.equal(exported.code, 0, exported.stderr);
        const target = join(root, `target-${format}`);
        await mkdir(target);
        const imported = await cli(['import', out], { DATA_DIR: target, POSTS_DIR: root });
        assert.equal(imported.code, 0, imported.stderr);
        const got = await snapshot(target);
        assert.deepEqual(
          got,
          format === 'json' ? expected : expected.map(({ engagement: _engagement, ...reads }) => reads),
        );
        // And the imported store's own export imports again: nothing to change.
        const again = join(root, `again.${format}`);
        assert.equal((await cli(['export', '--format', format, '--output', again], { DATA_DIR: target })).code, 0);
        assert.match((await cli(['import', again], { DATA_DIR: target, POSTS_DIR: root })).stdout, /nothing to change/);
      }
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
