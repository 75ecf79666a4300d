-- chirona pack, MySQL dialect: the rules of ../postgres/02_rules.sql with the same trigger names: room
-- capacity and admission order here; no double booking and payments within the invoice, whose triggers
-- read with shared locks, in 02_rules_locking.sql (a file of its own because MariaDB spells those reads
-- otherwise: ../mariadb/02_rules_locking.sql stands in for it there, and MariaDB reads this file as it is).
-- These rules stand aside in backfill mode (../session.yml: @chirona_backfill = 1, honoured only for the
-- login that created these triggers).

DELIMITER //

-- A room never holds more overlapping admissions than its capacity (see ../postgres/02_rules.sql).
CREATE TRIGGER Admission_room_capacity_insert BEFORE INSERT ON Admission FOR EACH ROW
BEGIN
  DECLARE cap INT;
  DECLARE peak BIGINT;
  IF NOT (COALESCE(@chirona_backfill, 0) = 1
          AND SUBSTRING_INDEX(USER(), '@', 1) = SUBSTRING_INDEX(CURRENT_USER(), '@', 1)) THEN
    SELECT r.Capacity INTO cap FROM Room r WHERE r.RoomID = NEW.RoomID FOR UPDATE;
    SELECT MAX((SELECT COUNT(*) FROM Admission a
                WHERE a.RoomID = NEW.RoomID AND a.AdmittedAt <= p.t AND (a.DischargedAt IS NULL OR a.DischargedAt > p.t)))
      INTO peak
      FROM (SELECT NEW.AdmittedAt AS t
            UNION SELECT a.AdmittedAt FROM Admission a
                  WHERE a.RoomID = NEW.RoomID AND a.AdmittedAt > NEW.AdmittedAt
                    AND (NEW.DischargedAt IS NULL OR a.AdmittedAt < NEW.DischargedAt)) AS p;
    IF cap IS NOT NULL AND COALESCE(peak, 0) + 1 > cap THEN
      SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'Admission_room_capacity: the room is full during this stay';
    END IF;
  END IF;
END//
CREATE TRIGGER Admission_room_capacity_update BEFORE UPDATE ON Admission FOR EACH ROW
BEGIN
  DECLARE cap INT;
  DECLARE peak BIGINT;
  IF NOT (COALESCE(@chirona_backfill, 0) = 1
          AND SUBSTRING_INDEX(USER(), '@', 1) = SUBSTRING_INDEX(CURRENT_USER(), '@', 1)) THEN
    SELECT r.Capacity INTO cap FROM Room r WHERE r.RoomID = NEW.RoomID FOR UPDATE;
    SELECT MAX((SELECT COUNT(*) FROM Admission a
                WHERE a.RoomID = NEW.RoomID AND a.AdmissionID <> OLD.AdmissionID
                  AND a.AdmittedAt <= p.t AND (a.DischargedAt IS NULL OR a.DischargedAt > p.t)))
      INTO peak
      FROM (SELECT NEW.AdmittedAt AS t
            UNION SELECT a.AdmittedAt FROM Admission a
                  WHERE a.RoomID = NEW.RoomID AND a.AdmissionID <> OLD.AdmissionID AND a.AdmittedAt > NEW.AdmittedAt
                    AND (NEW.DischargedAt IS NULL OR a.AdmittedAt < NEW.DischargedAt)) AS p;
    IF cap IS NOT NULL AND COALESCE(peak, 0) + 1 > cap THEN
      SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'Admission_room_capacity: the room is full during this stay';
    END IF;
  END IF;
END//

-- Admissions, discharges and transfers in time order (see ../postgres/02_rules.sql).
CREATE TRIGGER Admission_time_order_insert BEFORE INSERT ON Admission FOR EACH ROW
BEGIN
  IF NOT (COALESCE(@chirona_backfill, 0) = 1
          AND SUBSTRING_INDEX(USER(), '@', 1) = SUBSTRING_INDEX(CURRENT_USER(), '@', 1)) THEN
    IF EXISTS (SELECT 1 FROM Admission a WHERE a.PatientID = NEW.PatientID
               AND (NEW.DischargedAt IS NULL OR a.AdmittedAt < NEW.DischargedAt)
               AND (a.DischargedAt IS NULL OR NEW.AdmittedAt < a.DischargedAt)) THEN
      SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'Admission_time_order: the patient is already in a room during this stay';
    END IF;
    IF NEW.TransferredFrom IS NOT NULL AND EXISTS (
         SELECT 1 FROM Admission a WHERE a.AdmissionID = NEW.TransferredFrom
         AND (a.PatientID <> NEW.PatientID OR NOT (a.DischargedAt <=> NEW.AdmittedAt) OR a.RoomID = NEW.RoomID)) THEN
      SIGNAL SQLSTATE '45000'
        SET MESSAGE_TEXT = 'Admission_time_order: a transfer starts when the stay it follows ends, for the same patient, in another room';
    END IF;
  END IF;
END//
CREATE TRIGGER Admission_time_order_update BEFORE UPDATE ON Admission FOR EACH ROW
BEGIN
  IF NOT (COALESCE(@chirona_backfill, 0) = 1
          AND SUBSTRING_INDEX(USER(), '@', 1) = SUBSTRING_INDEX(CURRENT_USER(), '@', 1)) THEN
    IF EXISTS (SELECT 1 FROM Admission a WHERE a.PatientID = NEW.PatientID AND a.AdmissionID <> OLD.AdmissionID
               AND (NEW.DischargedAt IS NULL OR a.AdmittedAt < NEW.DischargedAt)
               AND (a.DischargedAt IS NULL OR NEW.AdmittedAt < a.DischargedAt)) THEN
      SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'Admission_time_order: the patient is already in a room during this stay';
    END IF;
    IF NEW.TransferredFrom IS NOT NULL AND EXISTS (
         SELECT 1 FROM Admission a WHERE a.AdmissionID = NEW.TransferredFrom
         AND (a.PatientID <> NEW.PatientID OR NOT (a.DischargedAt <=> NEW.AdmittedAt) OR a.RoomID = NEW.RoomID)) THEN
      SIGNAL SQLSTATE '45000'
        SET MESSAGE_TEXT = 'Admission_time_order: a transfer starts when the stay it follows ends, for the same patient, in another room';
    END IF;
  END IF;
END//

DELIMITER ;
