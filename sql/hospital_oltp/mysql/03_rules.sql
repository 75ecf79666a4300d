-- hospital_oltp pack, MySQL dialect: the rules across rows that the seed's domain implies (../README.md,
-- "Rules"), as triggers; ../postgres/03_rules.sql enforces the same rules under the same trigger names, with
-- the same message prefix (the rule's name) and SQLSTATE 45000 here, P0001 there.
--
-- Backfill mode (../session.yml: SET @oltp_backfill = 1) loads existing records as they were: the seeder and
-- the gate's generic probes use it, and these triggers honour it only for the account that created them (the
-- pack's owner: inside a trigger CURRENT_USER() is its definer, USER() the session's login).
-- Concurrency: each check first locks the parent row it is about (the bed, the appointment, the
-- prescription) with SELECT ... FOR UPDATE, so two transactions cannot both pass the check for it.

DELIMITER //

-- Rule 1: a bed holds at most one active admission.
CREATE TRIGGER admissions_one_active_per_bed_insert BEFORE INSERT ON admissions FOR EACH ROW
BEGIN
  DECLARE locked INT;
  IF NEW.status = 'active' AND NOT (COALESCE(@oltp_backfill, 0) = 1
       AND SUBSTRING_INDEX(USER(), '@', 1) = SUBSTRING_INDEX(CURRENT_USER(), '@', 1)) THEN
    SELECT id INTO locked FROM beds WHERE id = NEW.bed_id FOR UPDATE;
    IF EXISTS (SELECT 1 FROM admissions WHERE bed_id = NEW.bed_id AND status = 'active') THEN
      SIGNAL SQLSTATE '45000'
        SET MESSAGE_TEXT = 'admissions_one_active_per_bed: the bed already holds an active admission';
    END IF;
  END IF;
END//
CREATE TRIGGER admissions_one_active_per_bed_update BEFORE UPDATE ON admissions FOR EACH ROW
BEGIN
  DECLARE locked INT;
  IF NEW.status = 'active' AND (OLD.status <> 'active' OR NEW.bed_id <> OLD.bed_id)
     AND NOT (COALESCE(@oltp_backfill, 0) = 1
              AND SUBSTRING_INDEX(USER(), '@', 1) = SUBSTRING_INDEX(CURRENT_USER(), '@', 1)) THEN
    SELECT id INTO locked FROM beds WHERE id = NEW.bed_id FOR UPDATE;
    IF EXISTS (SELECT 1 FROM admissions WHERE bed_id = NEW.bed_id AND status = 'active' AND id <> OLD.id) THEN
      SIGNAL SQLSTATE '45000'
        SET MESSAGE_TEXT = 'admissions_one_active_per_bed: the bed already holds an active admission';
    END IF;
  END IF;
END//

-- Rule 2: an appointment cancellation belongs to an appointment whose status is cancelled, and an
-- appointment with a cancellation record stays cancelled.
CREATE TRIGGER appointment_cancellations_appointment_cancelled_insert BEFORE INSERT ON appointment_cancellations
FOR EACH ROW
BEGIN
  IF NOT (COALESCE(@oltp_backfill, 0) = 1
          AND SUBSTRING_INDEX(USER(), '@', 1) = SUBSTRING_INDEX(CURRENT_USER(), '@', 1))
     AND NOT EXISTS (SELECT 1 FROM appointments WHERE id = NEW.appointment_id AND status = 'cancelled' FOR UPDATE) THEN
    SIGNAL SQLSTATE '45000'
      SET MESSAGE_TEXT = 'appointment_cancellations_appointment_cancelled: the appointment is not cancelled';
  END IF;
END//
CREATE TRIGGER appointment_cancellations_appointment_cancelled_update BEFORE UPDATE ON appointment_cancellations
FOR EACH ROW
BEGIN
  IF NEW.appointment_id <> OLD.appointment_id
     AND NOT (COALESCE(@oltp_backfill, 0) = 1
              AND SUBSTRING_INDEX(USER(), '@', 1) = SUBSTRING_INDEX(CURRENT_USER(), '@', 1))
     AND NOT EXISTS (SELECT 1 FROM appointments WHERE id = NEW.appointment_id AND status = 'cancelled' FOR UPDATE) THEN
    SIGNAL SQLSTATE '45000'
      SET MESSAGE_TEXT = 'appointment_cancellations_appointment_cancelled: the appointment is not cancelled';
  END IF;
END//
CREATE TRIGGER appointments_cancelled_stays_cancelled BEFORE UPDATE ON appointments FOR EACH ROW
BEGIN
  IF OLD.status = 'cancelled' AND NEW.status <> 'cancelled'
     AND NOT (COALESCE(@oltp_backfill, 0) = 1
              AND SUBSTRING_INDEX(USER(), '@', 1) = SUBSTRING_INDEX(CURRENT_USER(), '@', 1))
     AND EXISTS (SELECT 1 FROM appointment_cancellations WHERE appointment_id = OLD.id) THEN
    SIGNAL SQLSTATE '45000'
      SET MESSAGE_TEXT = 'appointment_cancellations_appointment_cancelled: the appointment has a cancellation record';
  END IF;
END//

-- Rule 3: a prescription never holds two medications that medication_interactions marks severe (in either
-- order): the item that would complete such a pair is refused.
CREATE TRIGGER prescription_items_no_severe_interaction_insert BEFORE INSERT ON prescription_items FOR EACH ROW
BEGIN
  DECLARE locked INT;
  IF NOT (COALESCE(@oltp_backfill, 0) = 1
          AND SUBSTRING_INDEX(USER(), '@', 1) = SUBSTRING_INDEX(CURRENT_USER(), '@', 1)) THEN
    SELECT id INTO locked FROM prescriptions WHERE id = NEW.prescription_id FOR UPDATE;
    IF EXISTS (SELECT 1 FROM prescription_items pi JOIN medication_interactions mi
                 ON (mi.medication_id = pi.medication_id AND mi.interacts_with_id = NEW.medication_id)
                 OR (mi.medication_id = NEW.medication_id AND mi.interacts_with_id = pi.medication_id)
               WHERE pi.prescription_id = NEW.prescription_id AND mi.severity = 'severe') THEN
      SIGNAL SQLSTATE '45000'
        SET MESSAGE_TEXT = 'prescription_items_no_severe_interaction: the prescription holds a medication that interacts severely with this one';
    END IF;
  END IF;
END//
CREATE TRIGGER prescription_items_no_severe_interaction_update BEFORE UPDATE ON prescription_items FOR EACH ROW
BEGIN
  DECLARE locked INT;
  IF (NEW.medication_id <> OLD.medication_id OR NEW.prescription_id <> OLD.prescription_id)
     AND NOT (COALESCE(@oltp_backfill, 0) = 1
              AND SUBSTRING_INDEX(USER(), '@', 1) = SUBSTRING_INDEX(CURRENT_USER(), '@', 1)) THEN
    SELECT id INTO locked FROM prescriptions WHERE id = NEW.prescription_id FOR UPDATE;
    IF EXISTS (SELECT 1 FROM prescription_items pi JOIN medication_interactions mi
                 ON (mi.medication_id = pi.medication_id AND mi.interacts_with_id = NEW.medication_id)
                 OR (mi.medication_id = NEW.medication_id AND mi.interacts_with_id = pi.medication_id)
               WHERE pi.prescription_id = NEW.prescription_id AND pi.id <> OLD.id AND mi.severity = 'severe') THEN
      SIGNAL SQLSTATE '45000'
        SET MESSAGE_TEXT = 'prescription_items_no_severe_interaction: the prescription holds a medication that interacts severely with this one';
    END IF;
  END IF;
END//

DELIMITER ;
