-- hospital_oltp pack, MariaDB dialect: read after ../mysql/01_tables.sql (MariaDB reads that folder's files,
-- with this folder's in their place or beside them: see ../README.md, "MariaDB").
--
-- A NOT NULL ENUM without DEFAULT takes its first label when an INSERT leaves it out, on MySQL, and on
-- MariaDB too, except on a table with a BEFORE INSERT trigger: there MariaDB's strict mode refuses the row
-- (ERROR 1364 "Field doesn't have a default value"), since a trigger might fill the column.  The contract
-- declares MySQL's behaviour (the first label), so it is stated here as ../postgres/01_tables.sql states it.
ALTER TABLE appointment_cancellations ALTER COLUMN reason SET DEFAULT 'patient_request';  -- appointment_cancellations_appointment_cancelled_insert
ALTER TABLE prescription_items ALTER COLUMN route SET DEFAULT 'oral';  -- prescription_items_no_severe_interaction_insert
ALTER TABLE staff_shift_schedules ALTER COLUMN shift_type SET DEFAULT 'day';  -- staff_shift_schedules_one_owner_insert (06_shift_owner.sql)
