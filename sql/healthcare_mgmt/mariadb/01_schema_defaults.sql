-- healthcare_mgmt pack, MariaDB dialect: read after ../mysql/01_schema.sql (MariaDB reads that folder's
-- files, with this folder's in their place or beside them: see the README's engine differences).
--
-- A NOT NULL ENUM without DEFAULT takes its first label when an INSERT leaves it out, on MySQL, and on
-- MariaDB too, except on a table with a BEFORE INSERT trigger: there MariaDB's strict mode refuses the row
-- (ERROR 1364 "Field doesn't have a default value"), since a trigger might fill the column.  The contract
-- declares MySQL's behaviour (the first label), so it is stated here as ../postgres/01_schema.sql states it.
ALTER TABLE appointments ALTER COLUMN appointment_type SET DEFAULT 'consultation';  -- appointments_not_in_past_insert
