-- hms_db pack, PostgreSQL dialect: the same rules as ../mysql/02_rules.sql, with the same names
-- (documented in ../README.md).

ALTER TABLE patients
  ADD CONSTRAINT patients_id_format CHECK (patient_id ~ '^HMS/(00[1-9]|0[1-9][0-9]|[1-9][0-9]{2,7})$'),
  ADD CONSTRAINT patients_phone_format CHECK (phone ~ '^(07[0-9]{8}|[+]2567[0-9]{8})$');

ALTER TABLE doctors
  ADD CONSTRAINT doctors_phone_format CHECK (phone ~ '^(07[0-9]{8}|[+]2567[0-9]{8})$');

-- Identifiers assigned by the database, never reused; backfill mode (../session.yml: hms.backfill = 'on',
-- honoured for a superuser or the table's owner only) keeps the row's own and moves the counter past it.
-- A counter row rather than a sequence: the same object on both engines (one contract), and no gaps (a
-- rolled-back INSERT gives its number back; a committed one is never handed out again).
CREATE FUNCTION hms_backfilling(relid oid) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT coalesce(current_setting('hms.backfill', true), '') = 'on'
       AND EXISTS (SELECT 1 FROM pg_roles r JOIN pg_class c ON c.oid = relid
                   WHERE r.rolname = current_user AND (r.rolsuper OR c.relowner = r.oid))
$$;

CREATE FUNCTION hms_patients_assign_id() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    next_no bigint;
BEGIN
    IF hms_backfilling(TG_RELID) THEN
        IF NEW.patient_id ~ '^HMS/[0-9]{1,8}$' AND substr(NEW.patient_id, 5)::bigint >= 1 THEN
            INSERT INTO hms_id_counters AS c (counter_name, last_issued)
                VALUES ('patients', substr(NEW.patient_id, 5)::integer)
                ON CONFLICT (counter_name) DO UPDATE SET last_issued = greatest(c.last_issued, EXCLUDED.last_issued);
        END IF;
        RETURN NEW;
    END IF;
    IF NEW.patient_id IS NOT NULL THEN
        RAISE EXCEPTION 'patients_id_assigned: patient identifiers are assigned by the database; leave patient_id out';
    END IF;
    SELECT last_issued INTO next_no FROM hms_id_counters WHERE counter_name = 'patients' FOR UPDATE;
    next_no := coalesce(next_no, 0) + 1;
    IF next_no > 99999999 THEN
        RAISE EXCEPTION 'patients_id_exhausted: HMS/99999999 was the last patient identifier';
    END IF;
    INSERT INTO hms_id_counters AS c (counter_name, last_issued) VALUES ('patients', next_no)
        ON CONFLICT (counter_name) DO UPDATE SET last_issued = EXCLUDED.last_issued;
    NEW.patient_id := 'HMS/' || lpad(next_no::text, greatest(3, length(next_no::text)), '0');
    RETURN NEW;
END
$$;
CREATE TRIGGER patients_assign_id BEFORE INSERT ON patients
    FOR EACH ROW EXECUTE FUNCTION hms_patients_assign_id();

CREATE FUNCTION hms_patients_id_immutable() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.patient_id IS DISTINCT FROM OLD.patient_id AND NOT hms_backfilling(TG_RELID) THEN
        RAISE EXCEPTION 'patients_id_immutable: a patient identifier never changes';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER patients_id_immutable BEFORE UPDATE ON patients
    FOR EACH ROW EXECUTE FUNCTION hms_patients_id_immutable();
