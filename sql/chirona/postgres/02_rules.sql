-- chirona pack, PostgreSQL dialect: the business rules ../README.md documents, with the same trigger
-- names as ../mysql/02_rules.sql and ../mysql/02_rules_locking.sql.  Double booking is refused by the
-- exclusion constraints of 01_schema.sql at all times; the rules below hold for applications, and are
-- lifted only in backfill mode (../session.yml: chirona.backfill = 'on', honoured for a superuser or the
-- table's owner) in which dbintegrity's own sessions load existing records.
SET search_path TO "ChironaSchema", public;

CREATE FUNCTION "ChironaSchema".chirona_backfilling(relid oid) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT coalesce(current_setting('chirona.backfill', true), '') = 'on'
       AND EXISTS (SELECT 1 FROM pg_roles r JOIN pg_class c ON c.oid = relid
                   WHERE r.rolname = current_user AND (r.rolsuper OR c.relowner = r.oid))
$$;

-- A room never holds more overlapping admissions than its capacity.  The most patients in the room during
-- the new stay is reached at its start or at the start of another stay within it; the room's row is
-- locked first, so concurrent admissions to one room queue.
CREATE FUNCTION "ChironaSchema".chirona_room_capacity() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    cap integer;
    peak bigint;
BEGIN
    IF "ChironaSchema".chirona_backfilling(TG_RELID) THEN
        RETURN NEW;
    END IF;
    SELECT r."Capacity" INTO cap FROM "ChironaSchema"."Room" r WHERE r."RoomID" = NEW."RoomID" FOR UPDATE;
    SELECT max((SELECT count(*) FROM "ChironaSchema"."Admission" a
                WHERE a."RoomID" = NEW."RoomID" AND a."AdmissionID" <> NEW."AdmissionID"
                  AND a."AdmittedAt" <= p.t AND (a."DischargedAt" IS NULL OR a."DischargedAt" > p.t)))
      INTO peak
      FROM (SELECT NEW."AdmittedAt" AS t
            UNION SELECT a."AdmittedAt" FROM "ChironaSchema"."Admission" a
                  WHERE a."RoomID" = NEW."RoomID" AND a."AdmissionID" <> NEW."AdmissionID"
                    AND a."AdmittedAt" > NEW."AdmittedAt"
                    AND (NEW."DischargedAt" IS NULL OR a."AdmittedAt" < NEW."DischargedAt")) AS p;
    IF cap IS NOT NULL AND coalesce(peak, 0) + 1 > cap THEN
        RAISE EXCEPTION 'Admission_room_capacity: room % holds at most % patient(s) at once', NEW."RoomID", cap;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER "Admission_room_capacity_insert" BEFORE INSERT ON "ChironaSchema"."Admission"
    FOR EACH ROW EXECUTE FUNCTION "ChironaSchema".chirona_room_capacity();
CREATE TRIGGER "Admission_room_capacity_update" BEFORE UPDATE ON "ChironaSchema"."Admission"
    FOR EACH ROW EXECUTE FUNCTION "ChironaSchema".chirona_room_capacity();

-- Admissions, discharges and transfers in time order: a patient is in one room at a time (stays never
-- overlap), and a transfer starts when the stay it follows ends, for the same patient, in another room.
CREATE FUNCTION "ChironaSchema".chirona_admission_order() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    prev "ChironaSchema"."Admission"%ROWTYPE;
BEGIN
    IF "ChironaSchema".chirona_backfilling(TG_RELID) THEN
        RETURN NEW;
    END IF;
    IF EXISTS (SELECT 1 FROM "ChironaSchema"."Admission" a
               WHERE a."PatientID" = NEW."PatientID" AND a."AdmissionID" <> NEW."AdmissionID"
                 AND (NEW."DischargedAt" IS NULL OR a."AdmittedAt" < NEW."DischargedAt")
                 AND (a."DischargedAt" IS NULL OR NEW."AdmittedAt" < a."DischargedAt")) THEN
        RAISE EXCEPTION 'Admission_time_order: patient % is already in a room during this stay', NEW."PatientID";
    END IF;
    IF NEW."TransferredFrom" IS NOT NULL THEN
        SELECT * INTO prev FROM "ChironaSchema"."Admission" a WHERE a."AdmissionID" = NEW."TransferredFrom";
        IF FOUND AND (prev."PatientID" <> NEW."PatientID" OR prev."DischargedAt" IS DISTINCT FROM NEW."AdmittedAt"
                      OR prev."RoomID" = NEW."RoomID") THEN
            RAISE EXCEPTION 'Admission_time_order: a transfer starts when the stay it follows ends, for the same patient, in another room';
        END IF;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER "Admission_time_order_insert" BEFORE INSERT ON "ChironaSchema"."Admission"
    FOR EACH ROW EXECUTE FUNCTION "ChironaSchema".chirona_admission_order();
CREATE TRIGGER "Admission_time_order_update" BEFORE UPDATE ON "ChironaSchema"."Admission"
    FOR EACH ROW EXECUTE FUNCTION "ChironaSchema".chirona_admission_order();

-- Payments never exceed the invoice: the payments of an invoice add up to at most its total, when a
-- payment is written and when the invoice's subtotal or rate changes.  The invoice row is locked first, so
-- concurrent payments of one invoice queue.  (Generated columns are not yet computed in a BEFORE trigger:
-- the total is computed here as "TotalAmount" is.)
CREATE FUNCTION "ChironaSchema".chirona_payment_within_invoice() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    total numeric;
    paid numeric;
BEGIN
    IF "ChironaSchema".chirona_backfilling(TG_RELID) THEN
        RETURN NEW;
    END IF;
    SELECT i."TotalAmount" INTO total FROM "ChironaSchema"."Invoice" i WHERE i."InvoiceID" = NEW."InvoiceID" FOR UPDATE;
    SELECT coalesce(sum(p."Amount"), 0) INTO paid FROM "ChironaSchema"."Payment" p
        WHERE p."InvoiceID" = NEW."InvoiceID" AND p."PaymentID" <> NEW."PaymentID";
    IF total IS NOT NULL AND paid + NEW."Amount" > total THEN
        RAISE EXCEPTION 'Payment_within_invoice: payments of invoice % would reach %, above its total %',
            NEW."InvoiceID", paid + NEW."Amount", total;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER "Payment_within_invoice_insert" BEFORE INSERT ON "ChironaSchema"."Payment"
    FOR EACH ROW EXECUTE FUNCTION "ChironaSchema".chirona_payment_within_invoice();
CREATE TRIGGER "Payment_within_invoice_update" BEFORE UPDATE ON "ChironaSchema"."Payment"
    FOR EACH ROW EXECUTE FUNCTION "ChironaSchema".chirona_payment_within_invoice();

CREATE FUNCTION "ChironaSchema".chirona_invoice_covers_payments() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    paid numeric;
BEGIN
    IF "ChironaSchema".chirona_backfilling(TG_RELID) THEN
        RETURN NEW;
    END IF;
    SELECT coalesce(sum(p."Amount"), 0) INTO paid FROM "ChironaSchema"."Payment" p WHERE p."InvoiceID" = OLD."InvoiceID";
    IF paid > NEW."Subtotal" + round(NEW."Subtotal" * NEW."TaxRate", 2) THEN
        RAISE EXCEPTION 'Payment_within_invoice: invoice % has % paid, more than its new total', OLD."InvoiceID", paid;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER "Invoice_covers_payments" BEFORE UPDATE ON "ChironaSchema"."Invoice"
    FOR EACH ROW EXECUTE FUNCTION "ChironaSchema".chirona_invoice_covers_payments();
