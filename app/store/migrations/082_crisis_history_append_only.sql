-- Crisis amendments and level changes are append-only (issue 8): no row is ever deleted, and the only change a
-- row may take is the one that moves a confidential text into confidential.db, blanking it here: the earlier and
-- new values and the reason of an amendment of tier 'confidential', the reason of a level change (see
-- app/store/tier_move.py). Everything else about the row (who, when, which field, the tier) never changes.

DROP TRIGGER crisis_history_no_update;
CREATE TRIGGER crisis_history_no_update BEFORE UPDATE ON crisis_history
WHEN NOT (OLD.tier = 'confidential' AND NEW.tier = OLD.tier AND NEW.id = OLD.id AND NEW.case_id IS OLD.case_id
          AND NEW.entity = OLD.entity AND NEW.entity_id = OLD.entity_id AND NEW.field = OLD.field
          AND NEW.at = OLD.at AND NEW.by = OLD.by
          AND NEW.old_value = '' AND NEW.new_value = '' AND NEW.reason = '')
BEGIN
    SELECT RAISE(ABORT, 'crisis_history is append-only');
END;
CREATE TRIGGER crisis_history_no_delete BEFORE DELETE ON crisis_history
BEGIN
    SELECT RAISE(ABORT, 'crisis_history is append-only');
END;

DROP TRIGGER crisis_level_changes_no_update;
CREATE TRIGGER crisis_level_changes_no_update BEFORE UPDATE ON crisis_level_changes
WHEN NOT (NEW.id = OLD.id AND NEW.case_id = OLD.case_id AND NEW.from_level = OLD.from_level
          AND NEW.to_level = OLD.to_level AND NEW.at = OLD.at AND NEW.by = OLD.by AND NEW.reason = '')
BEGIN
    SELECT RAISE(ABORT, 'crisis_level_changes is append-only');
END;
CREATE TRIGGER crisis_level_changes_no_delete BEFORE DELETE ON crisis_level_changes
BEGIN
    SELECT RAISE(ABORT, 'crisis_level_changes is append-only');
END;
