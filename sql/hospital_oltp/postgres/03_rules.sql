-- hospital_oltp pack, PostgreSQL dialect: the rules across rows (../README.md, "Rules"), as triggers with the
-- same names and message prefixes as ../mysql/03_rules.sql (which explains backfill mode and the row locks).
-- Backfill mode here is SET oltp.backfill = 'on' (../session.yml), honoured only when the current role is a
-- superuser or owns the table.

CREATE FUNCTION oltp_backfill(rel oid) RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT coalesce(current_setting('oltp.backfill', true), '') = 'on'
         AND EXISTS (SELECT 1 FROM pg_roles r JOIN pg_class c ON c.oid = rel
                     WHERE r.rolname = current_user AND (r.rolsuper OR c.relowner = r.oid))
$$;

-- Rule 1: a bed holds at most one active admission.
CREATE FUNCTION oltp_admissions_one_active_per_bed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.status <> 'active' OR oltp_backfill(TG_RELID)
       OR (TG_OP = 'UPDATE' AND OLD.status = 'active' AND NEW.bed_id = OLD.bed_id) THEN
        RETURN NEW;
    END IF;
    PERFORM 1 FROM beds WHERE id = NEW.bed_id FOR UPDATE;
    IF EXISTS (SELECT 1 FROM admissions WHERE bed_id = NEW.bed_id AND status = 'active'
               AND (TG_OP = 'INSERT' OR id <> OLD.id)) THEN
        RAISE EXCEPTION 'admissions_one_active_per_bed: the bed already holds an active admission';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER admissions_one_active_per_bed_insert BEFORE INSERT ON admissions
    FOR EACH ROW EXECUTE FUNCTION oltp_admissions_one_active_per_bed();
CREATE TRIGGER admissions_one_active_per_bed_update BEFORE UPDATE ON admissions
    FOR EACH ROW EXECUTE FUNCTION oltp_admissions_one_active_per_bed();

-- Rule 2: a cancellation belongs to a cancelled appointment, which then stays cancelled.
CREATE FUNCTION oltp_cancellation_needs_cancelled() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF oltp_backfill(TG_RELID) OR (TG_OP = 'UPDATE' AND NEW.appointment_id = OLD.appointment_id) THEN
        RETURN NEW;
    END IF;
    PERFORM 1 FROM appointments WHERE id = NEW.appointment_id AND status = 'cancelled' FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'appointment_cancellations_appointment_cancelled: the appointment is not cancelled';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER appointment_cancellations_appointment_cancelled_insert BEFORE INSERT ON appointment_cancellations
    FOR EACH ROW EXECUTE FUNCTION oltp_cancellation_needs_cancelled();
CREATE TRIGGER appointment_cancellations_appointment_cancelled_update BEFORE UPDATE ON appointment_cancellations
    FOR EACH ROW EXECUTE FUNCTION oltp_cancellation_needs_cancelled();

CREATE FUNCTION oltp_cancelled_stays_cancelled() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status = 'cancelled' AND NEW.status <> 'cancelled' AND NOT oltp_backfill(TG_RELID)
       AND EXISTS (SELECT 1 FROM appointment_cancellations WHERE appointment_id = OLD.id) THEN
        RAISE EXCEPTION 'appointment_cancellations_appointment_cancelled: the appointment has a cancellation record';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER appointments_cancelled_stays_cancelled BEFORE UPDATE ON appointments
    FOR EACH ROW EXECUTE FUNCTION oltp_cancelled_stays_cancelled();

-- Rule 3: no two medications of one prescription that medication_interactions marks severe.
CREATE FUNCTION oltp_no_severe_interaction() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF oltp_backfill(TG_RELID) OR (TG_OP = 'UPDATE' AND NEW.medication_id = OLD.medication_id
                                   AND NEW.prescription_id = OLD.prescription_id) THEN
        RETURN NEW;
    END IF;
    PERFORM 1 FROM prescriptions WHERE id = NEW.prescription_id FOR UPDATE;
    IF EXISTS (SELECT 1 FROM prescription_items pi JOIN medication_interactions mi
                 ON (mi.medication_id = pi.medication_id AND mi.interacts_with_id = NEW.medication_id)
                 OR (mi.medication_id = NEW.medication_id AND mi.interacts_with_id = pi.medication_id)
               WHERE pi.prescription_id = NEW.prescription_id AND mi.severity = 'severe'
                 AND (TG_OP = 'INSERT' OR pi.id <> OLD.id)) THEN
        RAISE EXCEPTION 'prescription_items_no_severe_interaction: the prescription holds a medication that interacts severely with this one';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER prescription_items_no_severe_interaction_insert BEFORE INSERT ON prescription_items
    FOR EACH ROW EXECUTE FUNCTION oltp_no_severe_interaction();
CREATE TRIGGER prescription_items_no_severe_interaction_update BEFORE UPDATE ON prescription_items
    FOR EACH ROW EXECUTE FUNCTION oltp_no_severe_interaction();
