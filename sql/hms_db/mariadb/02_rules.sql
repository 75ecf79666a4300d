-- hms_db pack, MariaDB dialect: stands in for ../mysql/02_rules.sql (01_schema.sql is ../mysql/'s, read as it
-- is: see the README's engine differences).  The same rules with the same names; two spellings differ:
-- * MariaDB has no REGEXP_LIKE (and refuses it in a CHECK, ERROR 1901).  Its REGEXP is PCRE and follows the
--   column's collation, case-insensitive here; the inline flag (?-i) makes it case-sensitive, as MySQL's
--   REGEXP_LIKE(..., 'c') and PostgreSQL's ~ are.  The patterns are the same.
-- * INSERT ... ON DUPLICATE KEY UPDATE names the row it would have inserted with VALUES(col): MariaDB has
--   no row alias (INSERT ... VALUES (...) AS new), which MySQL 9.7 uses in place of the deprecated VALUES().

-- Patient identifiers: HMS/ and a number of at least three digits (zero-padded to three, never a
-- leading zero beyond that): HMS/001 .. HMS/999, then HMS/1000 .. HMS/99999999.
ALTER TABLE patients
  ADD CONSTRAINT patients_id_format CHECK (patient_id REGEXP '(?-i)^HMS/(00[1-9]|0[1-9][0-9]|[1-9][0-9]{2,7})$'),
  ADD CONSTRAINT patients_phone_format CHECK (phone REGEXP '(?-i)^(07[0-9]{8}|[+]2567[0-9]{8})$');

-- Ugandan mobile numbers: 07XXXXXXXX (local) or +2567XXXXXXXX (international).
ALTER TABLE doctors
  ADD CONSTRAINT doctors_phone_format CHECK (phone REGEXP '(?-i)^(07[0-9]{8}|[+]2567[0-9]{8})$');

-- Identifiers are assigned by the database: an application INSERT leaves patient_id out and gets the
-- next number of the counter 'patients' (HMS/001 first); one that brings its own is refused, and so is
-- an UPDATE that changes one.  Numbers are never handed out twice: the counter only grows, also when
-- patients are deleted.  After HMS/99999999 the next INSERT is refused (patients_id_exhausted).
-- Backfill mode (../session.yml: @hms_backfill = 1, honoured only for the login that created these
-- triggers, i.e. the pack's owner loading existing records) keeps the identifier the row brings and
-- moves the counter past it, so numbers handed out afterwards never collide with loaded ones.
DELIMITER //
CREATE TRIGGER patients_assign_id BEFORE INSERT ON patients FOR EACH ROW
BEGIN
  DECLARE next_no BIGINT;
  IF COALESCE(@hms_backfill, 0) = 1
     AND SUBSTRING_INDEX(USER(), '@', 1) = SUBSTRING_INDEX(CURRENT_USER(), '@', 1) THEN
    IF NEW.patient_id REGEXP '(?-i)^HMS/[0-9]{1,8}$' AND CAST(SUBSTRING(NEW.patient_id, 5) AS UNSIGNED) >= 1 THEN
      INSERT INTO hms_id_counters (counter_name, last_issued)
        VALUES ('patients', CAST(SUBSTRING(NEW.patient_id, 5) AS UNSIGNED))
        ON DUPLICATE KEY UPDATE last_issued = GREATEST(hms_id_counters.last_issued, VALUES(last_issued));
    END IF;
  ELSE
    IF NEW.patient_id IS NOT NULL THEN
      SIGNAL SQLSTATE '45000'
        SET MESSAGE_TEXT = 'patients_id_assigned: patient identifiers are assigned by the database; leave patient_id out';
    END IF;
    SELECT COALESCE(MAX(last_issued), 0) + 1 INTO next_no FROM hms_id_counters
      WHERE counter_name = 'patients' FOR UPDATE;
    IF next_no > 99999999 THEN
      SIGNAL SQLSTATE '45000'
        SET MESSAGE_TEXT = 'patients_id_exhausted: HMS/99999999 was the last patient identifier';
    END IF;
    INSERT INTO hms_id_counters (counter_name, last_issued) VALUES ('patients', next_no)
      ON DUPLICATE KEY UPDATE last_issued = VALUES(last_issued);
    SET NEW.patient_id = CONCAT('HMS/', LPAD(next_no, GREATEST(3, CHAR_LENGTH(next_no)), '0'));
  END IF;
END//
CREATE TRIGGER patients_id_immutable BEFORE UPDATE ON patients FOR EACH ROW
BEGIN
  IF NOT (NEW.patient_id <=> OLD.patient_id)
     AND NOT (COALESCE(@hms_backfill, 0) = 1
              AND SUBSTRING_INDEX(USER(), '@', 1) = SUBSTRING_INDEX(CURRENT_USER(), '@', 1)) THEN
    SIGNAL SQLSTATE '45000'
      SET MESSAGE_TEXT = 'patients_id_immutable: a patient identifier never changes';
  END IF;
END//
DELIMITER ;
