-- hospital_oltp pack, PostgreSQL dialect: a shift belongs to exactly one of a nurse or an administrative staff
-- member, by the same triggers, names and message as ../mysql/06_shift_owner.sql (MySQL cannot have the CHECK,
-- and the pack's two dialects keep one contract).  Backfill mode as in 03_rules.sql (oltp_backfill).

CREATE FUNCTION oltp_shift_one_owner() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF num_nonnulls(NEW.nurse_id, NEW.staff_id) <> 1 AND NOT oltp_backfill(TG_RELID) THEN
        RAISE EXCEPTION 'staff_shift_schedules_one_owner: a shift belongs to exactly one of nurse_id or staff_id';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER staff_shift_schedules_one_owner_insert BEFORE INSERT ON staff_shift_schedules
    FOR EACH ROW EXECUTE FUNCTION oltp_shift_one_owner();
CREATE TRIGGER staff_shift_schedules_one_owner_update BEFORE UPDATE ON staff_shift_schedules
    FOR EACH ROW EXECUTE FUNCTION oltp_shift_one_owner();
