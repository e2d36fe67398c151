// A blog moving in from Jekyll, Hugo or the reference format: every file in test/fixtures/moving-in parses as its author meant.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { datetimeAttribute, displayDate, parseDateText } from '../../src/posts/date-text.js';
import { PostLibrary } from '../../src/posts/library.js';
import type { Post, PostProblem } from '../../src/posts/post.js';
import { slugify } from '../../src/posts/slug.js';

const postsDir = fileURLToPath(new URL('../fixtures/moving-in/posts/', import.meta.url));

describe('moving-in fixtures', () => {
  let library: PostLibrary;
  const problems: PostProblem[] = [];
  const get = (slug: string): Post => {
    const post = library.get(slug);
    assert.ok(post, `no post "${slug}"; have ${library.slugs().join(', ')}`);
    return post;
  };
  before(async () => {
    library = await PostLibrary.open(postsDir, { onProblem: (problem) => problems.push(problem) });
  });

  test('every file loads', () => {
    assert.deepEqual(problems, []);
    assert.equal(library.list().length, 9);
    assert.deepEqual(
      library.pages().map((page) => page.slug),
      ['about', 'now'],
    );
  });

  test('Jekyll date with an offset: sorted by instant, shown as written', () => {
    const post = get('2013-05-12-jekyll-offset');
    assert.equal(post.date.toISOString(), '2013-05-13T06:45:00.000Z');
    assert.equal(post.dateText, '2013-05-12 23:45:00 -0700');
    assert.equal(displayDate(post), '12 May 2013');
    assert.equal(datetimeAttribute(post), '2013-05-12T23:45:00-07:00');
    assert.equal(library.list().at(-1)?.slug, '2013-05-12-jekyll-offset');
  });

  test('Hugo ISO 8601 date in a .markdown file; cover image; youtube shortcode converted, raw markers removed', () => {
    const post = get('2024-06-23-hugo-iso');
    assert.equal(post.date.toISOString(), '2024-06-24T04:56:58.000Z');
    assert.equal(displayDate(post), '23 June 2024');
    assert.equal(library.list()[0]?.slug, '2024-06-23-hugo-iso');
    assert.equal(post.image, '/images/cover.png');
    assert.match(post.markdown, /<code>readcount-video:youtube:dQw4w9WgXcQ<\/code>/);
    assert.match(post.markdown, /Liquid braces \{\{ stay \}\} as text/);
    assert.doesNotMatch(post.markdown, /raw %\}/);
  });

  test('dots, capitals, spaces and accents in file names get clean slugs', () => {
    assert.equal(get('2014-09-15-rust-1-0').title, 'Rust 1.0');
    assert.equal(get('unicode-spaces').file, join(postsDir, 'Ünïcode Spaces.mdown'));
    // The reference format's underscores are kept, so its old URLs still work.
    assert.equal(get('2022-08-11_reference_format').title, 'The reference format');
  });

  test('page bundle: the folder is the slug, its folder is recorded', () => {
    const post = get('my-trip');
    assert.equal(post.bundleDir, join(postsDir, 'my-trip'));
    assert.equal(post.file, join(postsDir, 'my-trip', 'index.md'));
    assert.equal(post.image, 'photo.png');
  });

  test('pages are kept out of the post list and tags but can be fetched; ghosts: false is read', () => {
    const about = get('about');
    assert.equal(about.kind, 'page');
    assert.equal(get('now').ghosts, false);
    assert.equal(get('now').kind, 'page');
    assert.ok(!library.list().includes(about));
    assert.equal(get('raw-html').kind, 'post');
    assert.ok(library.slugs().includes('about'), 'pages have counters too');
  });

  test('old URLs from redirect_from, aliases and permalink', () => {
    const jekyll = get('2013-05-12-jekyll-offset');
    assert.deepEqual(jekyll.aliases, ['/2013/05/12/old-jekyll.html', '/old-jekyll/', '/blog/jekyll-offset.html']);
    assert.equal(library.byAlias('/2013/05/12/old-jekyll.html'), jekyll);
    assert.equal(library.byAlias('/old-jekyll'), jekyll);
    assert.equal(library.byAlias('/blog/jekyll-offset.html?x=1'), jekyll);
    assert.equal(library.byAlias('/posts/hugo-iso/')?.slug, '2024-06-23-hugo-iso');
    assert.equal(library.byAlias('/about-me')?.slug, 'about');
    assert.equal(library.byAlias('/nothing'), undefined);
  });

  test('tags: space-separated Jekyll string, categories merged, one tag whatever its case', () => {
    assert.deepEqual(get('2013-05-12-jekyll-offset').tags, ['ruby', 'rails', 'notes']);
    assert.deepEqual(get('2022-08-11_reference_format').tags, ['elixir', 'dets']);
    const rust = library.tags().find((tag) => tag.key === 'rust');
    assert.deepEqual(rust, { name: 'rust', key: 'rust', count: 2 });
    assert.equal(library.tags().find((tag) => tag.key === 'notes')?.count, 2);
    assert.deepEqual(
      library.byTag('notes').map((post) => post.slug),
      ['footnotes', '2013-05-12-jekyll-offset'],
    );
    assert.deepEqual(library.byTag('nope'), []);
  });

  test('<!--more--> marks the excerpt', () => {
    assert.equal(get('2022-08-11_reference_format').excerpt, 'The first paragraph, before the fold.\n');
    assert.match(get('2013-05-12-jekyll-offset').excerpt ?? '', /^A Jekyll post whose local date is 12 May/);
    assert.equal(get('raw-html').excerpt, undefined);
  });
});

describe('dates', () => {
  test('accepted forms', () => {
    const cases: [string, string][] = [
      ['2013-05-12', '2013-05-12T00:00:00.000Z'],
      ['2013-05-12 14:45:00 +0200', '2013-05-12T12:45:00.000Z'],
      ['2013-05-12 14:45:00 +02:00', '2013-05-12T12:45:00.000Z'],
      ['2013-05-12 14:45 -0330', '2013-05-12T18:15:00.000Z'],
      ['2013-05-12T14:45:00Z', '2013-05-12T14:45:00.000Z'],
      ['2013-05-12T14:45:00.250+05:30', '2013-05-12T09:15:00.250Z'],
      ['2024-06-23T21:56:58-07:00', '2024-06-24T04:56:58.000Z'],
      ['2013-05-12 14:45:00', '2013-05-12T14:45:00.000Z'],
      // Jekyll takes one-digit months, days and hours; Astro's template writes month names.
      ['2019-04-25 9:00:00', '2019-04-25T09:00:00.000Z'],
      ['2013-5-2', '2013-05-02T00:00:00.000Z'],
      ['Jul 08 2022', '2022-07-08T00:00:00.000Z'],
      ['July 8, 2022', '2022-07-08T00:00:00.000Z'],
      ['8 Sept 2022', '2022-09-08T00:00:00.000Z'],
      ['2020-01-01 10:00:00 UTC', '2020-01-01T10:00:00.000Z'],
    ];
    for (const [text, iso] of cases) assert.equal(parseDateText(text)?.toISOString(), iso, text);
    for (const bad of [
      '2013-02-30',
      '2013-05-12 25:00',
      '2013-05-12 10:00 +2500',
      'May 12',
      'Junk 12 2013',
      'Feb 30 2024',
      '2013-05-12 9:5',
    ]) {
      assert.equal(parseDateText(bad), undefined, bad);
    }
  });

  test('shown in the author’s own offset', () => {
    const post = { date: new Date('2024-01-01T02:00:00Z'), dateText: '2023-12-31 21:00:00 -0500' };
    assert.equal(displayDate(post), '31 December 2023');
    assert.equal(displayDate({ date: new Date('2024-01-01T02:00:00Z') }), '1 January 2024');
  });
});

describe('slugify', () => {
  test('the documented rule', () => {
    assert.equal(slugify('2022-08-11_statistics_on_the_cheap'), '2022-08-11_statistics_on_the_cheap');
    assert.equal(slugify('Already-Valid'), 'Already-Valid');
    assert.equal(slugify('2014-09-15-Rust-1.0'), '2014-09-15-rust-1-0');
    assert.equal(slugify('Ünïcode Spaces'), 'unicode-spaces');
    assert.equal(slugify('Straße & Smørrebrød!'), 'strasse-smorrebrod');
    assert.equal(slugify('  --Hello,  World--  '), 'hello-world');
    assert.equal(slugify('日本語'), undefined);
    assert.equal(slugify('...'), undefined);
  });
});

describe('postImagePath', () => {
  test('bundle-relative, site-relative, absolute and remote images', async () => {
    const { postImagePath } = await import('../../src/posts/sanitize.js');
    assert.equal(postImagePath({ slug: 'trip', image: 'photo.png', bundleDir: '/p/trip' }), '/post/trip/photo.png');
    assert.equal(postImagePath({ slug: 'trip', image: '/images/a.png', bundleDir: '/p/trip' }), '/images/a.png');
    assert.equal(postImagePath({ slug: 'x', image: 'images/a.png' }), '/images/a.png');
    assert.equal(postImagePath({ slug: 'x', image: 'https://cdn.example/a.png' }), 'https://cdn.example/a.png');
    assert.equal(postImagePath({ slug: 'x' }), undefined);
  });
});

describe('views', () => {
  test('post and index pages show the day the author wrote, with the offset in datetime', async () => {
    const { indexPage, postPage } = await import('../../src/web/views/pages.js');
    const post: Post = {
      slug: 'late',
      title: 'Late',
      date: new Date('2013-05-13T06:45:00Z'),
      dateText: '2013-05-12 23:45:00 -0700',
      description: '',
      tags: [],
      draft: false,
      markdown: 'x\n',
      readingMinutes: 1,
      file: '/p/late.md',
    };
    for (const out of [postPage(post, '<p>x</p>', 0).value, indexPage([post], new Map()).value]) {
      assert.match(out, /<time datetime="2013-05-12T23:45:00-07:00">12 May 2013<\/time>/);
    }
  });
});
