-- What a head teacher is told once the counselor has reviewed a ledger entry: a note (what to watch, what to do)
-- and, per entry, whether the category (自伤风险 ...) is shared with them. Both are written at review.
ALTER TABLE screening_levels ADD COLUMN teacher_note TEXT NOT NULL DEFAULT '';
ALTER TABLE screening_levels ADD COLUMN category_shared INTEGER NOT NULL DEFAULT 0;
