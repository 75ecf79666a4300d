-- hospital_oltp pack, MySQL dialect: a shift belongs to exactly one of a nurse or an administrative staff
-- member (../README.md, "Rules across rows").  A CHECK would say it, but MySQL refuses a CHECK on a column that
-- a foreign key's referential action may change (error 3823: nurse_id and staff_id are ON DELETE and ON UPDATE CASCADE), so
-- two triggers do; ../postgres/06_shift_owner.sql has the same triggers under the same names and message.
-- Backfill mode (../session.yml) is honoured as in 03_rules.sql: only for the account that created them.

DELIMITER //

CREATE TRIGGER staff_shift_schedules_one_owner_insert BEFORE INSERT ON staff_shift_schedules FOR EACH ROW
BEGIN
  IF (NEW.nurse_id IS NULL) = (NEW.staff_id IS NULL)
     AND NOT (COALESCE(@oltp_backfill, 0) = 1
              AND SUBSTRING_INDEX(USER(), '@', 1) = SUBSTRING_INDEX(CURRENT_USER(), '@', 1)) THEN
    SIGNAL SQLSTATE '45000'
      SET MESSAGE_TEXT = 'staff_shift_schedules_one_owner: a shift belongs to exactly one of nurse_id or staff_id';
  END IF;
END//
CREATE TRIGGER staff_shift_schedules_one_owner_update BEFORE UPDATE ON staff_shift_schedules FOR EACH ROW
BEGIN
  IF (NEW.nurse_id IS NULL) = (NEW.staff_id IS NULL)
     AND NOT (COALESCE(@oltp_backfill, 0) = 1
              AND SUBSTRING_INDEX(USER(), '@', 1) = SUBSTRING_INDEX(CURRENT_USER(), '@', 1)) THEN
    SIGNAL SQLSTATE '45000'
      SET MESSAGE_TEXT = 'staff_shift_schedules_one_owner: a shift belongs to exactly one of nurse_id or staff_id';
  END IF;
END//

DELIMITER ;
