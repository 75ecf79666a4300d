-- healthcare_mgmt pack, PostgreSQL dialect: the business rules of the seed's "Data Validation Rules".
--
-- Same rules, constraint names and trigger names as ../mysql/02_rules.sql; the rules, their ranges and
-- the prescription grammar are documented in ../README.md.  PostgreSQL's ~ is case-sensitive, like
-- MySQL's REGEXP_LIKE(..., 'c'); the patterns use only the syntax both engines read alike.

-- Rule 2: prescriptions must have a valid dosage and frequency.
ALTER TABLE prescriptions
  ADD CONSTRAINT prescriptions_dosage_grammar CHECK (dosage ~
    '^([1-9][0-9]{0,4}([.][0-9]{1,3})?|0[.][0-9]{0,2}[1-9]) (mg|mcg|g|mL|units|mEq|tablets?|capsules?|puffs?|sprays?|drops?)$'),
  ADD CONSTRAINT prescriptions_frequency_vocabulary CHECK (frequency ~
    '^(once daily|BID|TID|QID|q4h|q6h|q8h|q12h|at bedtime|weekly|PRN|q4h PRN|q6h PRN|q8h PRN)$');

-- Rule 3: vital values must be within realistic ranges (one named CHECK per vital sign).
ALTER TABLE vitals
  ADD CONSTRAINT vitals_systolic_bp_range CHECK (systolic_bp BETWEEN 50 AND 300),
  ADD CONSTRAINT vitals_diastolic_bp_range CHECK (diastolic_bp BETWEEN 20 AND 200),
  ADD CONSTRAINT vitals_systolic_above_diastolic CHECK (systolic_bp > diastolic_bp),
  ADD CONSTRAINT vitals_heart_rate_range CHECK (heart_rate BETWEEN 20 AND 300),
  ADD CONSTRAINT vitals_respiratory_rate_range CHECK (respiratory_rate BETWEEN 4 AND 80),
  ADD CONSTRAINT vitals_temperature_range CHECK (
    (temperature_unit = 'F' AND temperature BETWEEN 80.0 AND 115.0)
    OR (temperature_unit = 'C' AND temperature BETWEEN 26.5 AND 46.0)),
  ADD CONSTRAINT vitals_oxygen_saturation_range CHECK (oxygen_saturation BETWEEN 50 AND 100),
  ADD CONSTRAINT vitals_weight_range CHECK (
    (weight_unit = 'lbs' AND weight BETWEEN 0.5 AND 999.99)
    OR (weight_unit = 'kg' AND weight BETWEEN 0.2 AND 450.0)),
  ADD CONSTRAINT vitals_height_feet_range CHECK (height_feet BETWEEN 0 AND 9),
  ADD CONSTRAINT vitals_height_inches_range CHECK (height_inches BETWEEN 0 AND 11),
  ADD CONSTRAINT vitals_height_cm_range CHECK (height_cm BETWEEN 20 AND 275),
  ADD CONSTRAINT vitals_bmi_range CHECK (bmi BETWEEN 5.0 AND 100.0);

-- Rule 4: the amount due (generated: amount_charged - amount_paid) can never be negative.
ALTER TABLE billing
  ADD CONSTRAINT billing_amount_charged_not_negative CHECK (amount_charged >= 0),
  ADD CONSTRAINT billing_amount_paid_within_charge CHECK (amount_paid >= 0 AND amount_paid <= amount_charged);

-- Rule 6: a session expires after it was created, and within 24 hours of it.
ALTER TABLE user_sessions
  ADD CONSTRAINT user_sessions_expiry_window CHECK (expires_at > created_at AND expires_at <= created_at + INTERVAL '1 day');

-- Rule 1: appointments cannot be scheduled in the past: on INSERT, and on an UPDATE that moves the date
-- or time (a status change of a past appointment is fine).  "Now" is the statement's start in the
-- session's time zone, as MySQL's NOW().  Backfill (loading historical records) is allowed only to a
-- session in backfill mode (hm.backfill = 'on', see ../session.yml) whose current role is a superuser
-- or owns the table: the hm_* roles can never backdate.
CREATE FUNCTION hm_appointment_not_in_past() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.appointment_date = OLD.appointment_date
       AND NEW.appointment_time = OLD.appointment_time THEN
        RETURN NEW;
    END IF;
    IF NEW.appointment_date + NEW.appointment_time < statement_timestamp()::timestamp
       AND NOT (coalesce(current_setting('hm.backfill', true), '') = 'on'
                AND EXISTS (SELECT 1 FROM pg_roles r JOIN pg_class c ON c.oid = TG_RELID
                            WHERE r.rolname = current_user AND (r.rolsuper OR c.relowner = r.oid))) THEN
        RAISE EXCEPTION 'appointments_not_in_past: an appointment cannot be % the past',
            CASE TG_OP WHEN 'INSERT' THEN 'scheduled in' ELSE 'moved into' END;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER appointments_not_in_past_insert BEFORE INSERT ON appointments
    FOR EACH ROW EXECUTE FUNCTION hm_appointment_not_in_past();
CREATE TRIGGER appointments_not_in_past_update BEFORE UPDATE ON appointments
    FOR EACH ROW EXECUTE FUNCTION hm_appointment_not_in_past();
