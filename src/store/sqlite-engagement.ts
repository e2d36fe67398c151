// The engagement upsert of a SQLite batch: counters added, sources capped per post and day.
import type Database from 'better-sqlite3';
import { cappedField, type EngagementIncrement, isSourceField, mergeEngagement } from './engagement-fields.js';

/** Upserts a batch's engagement counters; runs inside the caller's transaction. */
export function prepareEngagementApply(db: Database.Database): (items: readonly EngagementIncrement[]) => void {
  const add = db.prepare(
    'INSERT INTO engagement (slug, day, field, count) VALUES (?, ?, ?, ?) ON CONFLICT (slug, day, field) DO UPDATE SET count = count + excluded.count',
  );
  const exists = db.prepare('SELECT 1 FROM engagement WHERE slug = ? AND day = ? AND field = ?').pluck();
  const keptCount = db
    .prepare(
      "SELECT COUNT(*) FROM engagement WHERE slug = ? AND day = ? AND field >= 'sv:' AND field < 'sv;' AND field <> 'sv:other'",
    )
    .pluck();
  return (items) => {
    const merged = mergeEngagement(items);
    for (const { slug, day, field, count } of merged) {
      const target = isSourceField(field)
        ? cappedField(
            field,
            (source) => exists.get(slug, day, `sv:${source}`) !== undefined,
            keptCount.get(slug, day) as number,
          )
        : field;
      add.run(slug, day, target, count);
    }
  };
}
