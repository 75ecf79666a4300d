-- chirona pack, MySQL dialect: the rules of ../postgres/02_rules.sql whose triggers read rows with a shared
-- lock (SELECT ... FOR SHARE), with the same trigger names (room capacity and admission order: 02_rules.sql).
-- A file of its own because MariaDB has no FOR SHARE: ../mariadb/02_rules_locking.sql stands in for it there.
--
-- The exclusion constraints PostgreSQL has and MySQL lacks (no double booking), as triggers of the same
-- behaviour: periods are half-open, so one that ends when the next starts does not overlap it.  The
-- contract names these triggers under each exclusion (contract.yml, `exclusions:`), and the gate's
-- test_exclusions proves by behaviour that they refuse exactly what the PostgreSQL constraints refuse.
-- Payments within the invoice stand aside in backfill mode (../session.yml: @chirona_backfill = 1, honoured
-- only for the login that created these triggers); the exclusions never do.

DELIMITER //

-- No double booking: a doctor never has two overlapping appointments.  The doctor's row is locked first and
-- the appointments are read with a locking read (the latest committed rows, not the transaction's snapshot),
-- so two sessions booking one doctor at once queue, and the second sees the first's appointment, as
-- PostgreSQL's exclusion constraint does.
CREATE TRIGGER Appointment_no_double_booking_insert BEFORE INSERT ON Appointment FOR EACH ROW
BEGIN
  DECLARE clash INT;
  SELECT COUNT(*) INTO clash FROM Doctor d WHERE d.DoctorID = NEW.DoctorID FOR UPDATE;
  SELECT COUNT(*) INTO clash FROM Appointment a WHERE a.DoctorID = NEW.DoctorID
    AND a.StartTime < NEW.EndTime AND NEW.StartTime < a.EndTime FOR SHARE;
  IF clash > 0 THEN
    SIGNAL SQLSTATE '23000'
      SET MESSAGE_TEXT = 'Appointment_no_double_booking: the doctor already has an appointment in this period';
  END IF;
END//
CREATE TRIGGER Appointment_no_double_booking_update BEFORE UPDATE ON Appointment FOR EACH ROW
BEGIN
  DECLARE clash INT;
  SELECT COUNT(*) INTO clash FROM Doctor d WHERE d.DoctorID = NEW.DoctorID FOR UPDATE;
  SELECT COUNT(*) INTO clash FROM Appointment a WHERE a.DoctorID = NEW.DoctorID AND a.AppointmentID <> OLD.AppointmentID
    AND a.StartTime < NEW.EndTime AND NEW.StartTime < a.EndTime FOR SHARE;
  IF clash > 0 THEN
    SIGNAL SQLSTATE '23000'
      SET MESSAGE_TEXT = 'Appointment_no_double_booking: the doctor already has an appointment in this period';
  END IF;
END//

-- A staff member is never assigned two overlapping shifts (locked and read the same way).
CREATE TRIGGER ShiftAssignment_no_overlap_insert BEFORE INSERT ON ShiftAssignment FOR EACH ROW
BEGIN
  DECLARE clash INT;
  SELECT COUNT(*) INTO clash FROM Staff st WHERE st.StaffID = NEW.StaffID FOR UPDATE;
  SELECT COUNT(*) INTO clash FROM ShiftAssignment s WHERE s.StaffID = NEW.StaffID
    AND s.ShiftStart < NEW.ShiftEnd AND NEW.ShiftStart < s.ShiftEnd FOR SHARE;
  IF clash > 0 THEN
    SIGNAL SQLSTATE '23000'
      SET MESSAGE_TEXT = 'ShiftAssignment_no_overlap: the staff member already works a shift in this period';
  END IF;
END//
CREATE TRIGGER ShiftAssignment_no_overlap_update BEFORE UPDATE ON ShiftAssignment FOR EACH ROW
BEGIN
  DECLARE clash INT;
  SELECT COUNT(*) INTO clash FROM Staff st WHERE st.StaffID = NEW.StaffID FOR UPDATE;
  SELECT COUNT(*) INTO clash FROM ShiftAssignment s WHERE s.StaffID = NEW.StaffID AND s.AssignmentID <> OLD.AssignmentID
    AND s.ShiftStart < NEW.ShiftEnd AND NEW.ShiftStart < s.ShiftEnd FOR SHARE;
  IF clash > 0 THEN
    SIGNAL SQLSTATE '23000'
      SET MESSAGE_TEXT = 'ShiftAssignment_no_overlap: the staff member already works a shift in this period';
  END IF;
END//

-- Payments never exceed the invoice (see ../postgres/02_rules.sql); the invoice's row is locked and its
-- payments read with a locking read, so concurrent payments of one invoice queue and see each other.
CREATE TRIGGER Payment_within_invoice_insert BEFORE INSERT ON Payment FOR EACH ROW
BEGIN
  DECLARE total DECIMAL(12,2);
  DECLARE paid DECIMAL(14,2);
  IF NOT (COALESCE(@chirona_backfill, 0) = 1
          AND SUBSTRING_INDEX(USER(), '@', 1) = SUBSTRING_INDEX(CURRENT_USER(), '@', 1)) THEN
    SELECT i.TotalAmount INTO total FROM Invoice i WHERE i.InvoiceID = NEW.InvoiceID FOR UPDATE;
    SELECT COALESCE(SUM(p.Amount), 0) INTO paid FROM Payment p WHERE p.InvoiceID = NEW.InvoiceID FOR SHARE;
    IF total IS NOT NULL AND paid + NEW.Amount > total THEN
      SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'Payment_within_invoice: the payments would exceed the invoice total';
    END IF;
  END IF;
END//
CREATE TRIGGER Payment_within_invoice_update BEFORE UPDATE ON Payment FOR EACH ROW
BEGIN
  DECLARE total DECIMAL(12,2);
  DECLARE paid DECIMAL(14,2);
  IF NOT (COALESCE(@chirona_backfill, 0) = 1
          AND SUBSTRING_INDEX(USER(), '@', 1) = SUBSTRING_INDEX(CURRENT_USER(), '@', 1)) THEN
    SELECT i.TotalAmount INTO total FROM Invoice i WHERE i.InvoiceID = NEW.InvoiceID FOR UPDATE;
    SELECT COALESCE(SUM(p.Amount), 0) INTO paid FROM Payment p
      WHERE p.InvoiceID = NEW.InvoiceID AND p.PaymentID <> OLD.PaymentID FOR SHARE;
    IF total IS NOT NULL AND paid + NEW.Amount > total THEN
      SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'Payment_within_invoice: the payments would exceed the invoice total';
    END IF;
  END IF;
END//
CREATE TRIGGER Invoice_covers_payments BEFORE UPDATE ON Invoice FOR EACH ROW
BEGIN
  DECLARE paid DECIMAL(14,2);
  IF NOT (COALESCE(@chirona_backfill, 0) = 1
          AND SUBSTRING_INDEX(USER(), '@', 1) = SUBSTRING_INDEX(CURRENT_USER(), '@', 1)) THEN
    SELECT COALESCE(SUM(p.Amount), 0) INTO paid FROM Payment p WHERE p.InvoiceID = OLD.InvoiceID FOR SHARE;
    IF paid > NEW.Subtotal + ROUND(NEW.Subtotal * NEW.TaxRate, 2) THEN
      SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'Payment_within_invoice: the invoice would total less than its payments';
    END IF;
  END IF;
END//

DELIMITER ;
