-- healthcare_mgmt pack, MySQL dialect: the business rules of the seed's "Data Validation Rules".
--
-- The rules, their ranges and the prescription grammar are documented in ../README.md; this file and
-- ../postgres/02_rules.sql enforce the same rules with the same constraint and trigger names.
-- They are added to the seed's tables with ALTER TABLE, so 01_schema.sql stays the seed's DDL verbatim.
--
-- Rule 2 (the prescription grammar) is in 02_rules_regex.sql: its regular expressions are spelled
-- differently on MariaDB, whose ../mariadb/02_rules_regex.sql takes that file's place.

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
  ADD CONSTRAINT user_sessions_expiry_window CHECK (expires_at > created_at AND expires_at <= created_at + INTERVAL 1 DAY);

-- Rule 1: appointments cannot be scheduled in the past: on INSERT, and on an UPDATE that moves the date
-- or time (a status change of a past appointment is fine).  "Now" is NOW() in the session's time zone.
-- Backfill (loading historical records) is allowed only to a session in backfill mode (@hm_backfill = 1,
-- see ../session.yml) logged in as the account that created these triggers (the pack's owner: inside a
-- trigger CURRENT_USER() is its definer, USER() the session's login; CURRENT_ROLE() would be the
-- definer's too), so the hm_* roles' logins can never backdate.
DELIMITER //
CREATE TRIGGER appointments_not_in_past_insert BEFORE INSERT ON appointments FOR EACH ROW
BEGIN
  IF TIMESTAMP(NEW.appointment_date, NEW.appointment_time) < NOW()
     AND NOT (COALESCE(@hm_backfill, 0) = 1
              AND SUBSTRING_INDEX(USER(), '@', 1) = SUBSTRING_INDEX(CURRENT_USER(), '@', 1)) THEN
    SIGNAL SQLSTATE '45000'
      SET MESSAGE_TEXT = 'appointments_not_in_past: an appointment cannot be scheduled in the past';
  END IF;
END//
CREATE TRIGGER appointments_not_in_past_update BEFORE UPDATE ON appointments FOR EACH ROW
BEGIN
  IF (NEW.appointment_date <> OLD.appointment_date OR NEW.appointment_time <> OLD.appointment_time)
     AND TIMESTAMP(NEW.appointment_date, NEW.appointment_time) < NOW()
     AND NOT (COALESCE(@hm_backfill, 0) = 1
              AND SUBSTRING_INDEX(USER(), '@', 1) = SUBSTRING_INDEX(CURRENT_USER(), '@', 1)) THEN
    SIGNAL SQLSTATE '45000'
      SET MESSAGE_TEXT = 'appointments_not_in_past: an appointment cannot be moved into the past';
  END IF;
END//
DELIMITER ;
