// Preview keys: one HMAC per unpublished post per version of the list, not one per post per request.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PreviewKeys } from '../../src/web/preview-keys.js';

class CountingKeys extends PreviewKeys {
  made = 0;
  override key(slug: string): string {
    this.made += 1;
    return super.key(slug);
  }
}

test('a preview request looks its key up in a map made once per list of drafts', () => {
  const keys = new CountingKeys('a'.repeat(32));
  const drafts = Array.from({ length: 1000 }, (_, i) => ({ slug: `draft-${i}` }));
  const wanted = keys.key('draft-700');
  keys.made = 0;
  for (let i = 0; i < 50; i += 1) assert.equal(keys.find(wanted, drafts), drafts[700]);
  assert.equal(keys.made, drafts.length);
  // A new list (the library changed) gets its own map; a wrong or malformed key finds nothing.
  const next = [...drafts.slice(0, 10)];
  assert.equal(keys.find(wanted, next), undefined);
  assert.equal(keys.find(keys.key('draft-3'), next), next[3]);
  assert.equal(keys.find('x'.repeat(43), next), undefined);
  assert.equal(keys.find('../etc', next), undefined);
  assert.notEqual(new PreviewKeys('b'.repeat(32)).key('draft-3'), keys.key('draft-3'));
});
