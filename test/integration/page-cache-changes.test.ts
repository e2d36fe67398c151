// A change of the posts re-renders only the pages it changed (the post, its neighbours, posts relating to it); the web part leaves no listener behind.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { PostRenderer } from '../../src/posts/render.js';
import { dailyPosts, type FurnitureBlog, startFurnitureBlog } from '../helpers/furniture-blog.js';

describe('cached post pages across changes of the posts', () => {
  let blog: FurnitureBlog;
  const rendered: string[] = [];
  const original = PostRenderer.prototype.render;
  const all = ['p1', 'p2', 'p3', 'p4', 'p5', 'p6'];
  const visit = async () => {
    rendered.length = 0;
    for (const slug of all) assert.equal((await blog.readcount.app.inject({ url: `/post/${slug}` })).statusCode, 200);
    return [...rendered].sort();
  };

  before(async () => {
    // A spy on the real renderer: a page template is built from one render of its post.
    PostRenderer.prototype.render = function (this: PostRenderer, post) {
      rendered.push(post.slug);
      return original.call(this, post);
    };
    blog = await startFurnitureBlog(dailyPosts(6));
  });
  after(async () => {
    PostRenderer.prototype.render = original;
    await blog?.close();
  });

  test('every page is rendered once, then served from its template', async () => {
    assert.deepEqual(await visit(), all);
    assert.deepEqual(await visit(), []);
  });

  test('a new oldest post with a tag of its own re-renders only the page it became the neighbour of', async () => {
    await writeFile(
      join(blog.root, 'posts', 'p0.md'),
      '---\ntitle: Post 0\ndate: 2023-12-31\ntags: [alone]\n---\n\nW.\n',
    );
    await blog.readcount.library.reload();
    assert.deepEqual(await visit(), ['p1']);
    assert.match((await blog.readcount.app.inject({ url: '/post/p1' })).body, /href="\/post\/p0"/);
  });

  test('an edited post re-renders itself, its neighbour and the posts it is related to, nothing else', async () => {
    await writeFile(
      join(blog.root, 'posts', 'p6.md'),
      '---\ntitle: Post 6 again\ndate: 2024-01-06\ntags: [even]\n---\n\nW.\n',
    );
    await blog.readcount.library.reload();
    // p5 links it as newer; p2 and p4 (also "even") list it as related; p1 and p3 ("odd") do not show it.
    assert.deepEqual(await visit(), ['p2', 'p4', 'p5', 'p6']);
    assert.match((await blog.readcount.app.inject({ url: '/post/p4' })).body, /Post 6 again/);
  });

  test('closing the app leaves nothing listening to the library (each plugin removes its own)', async () => {
    const { library } = blog.readcount;
    assert.ok(library.listenerCount('change') > 1);
    await blog.readcount.app.close();
    assert.equal(library.listenerCount('change'), 0);
  });
});
