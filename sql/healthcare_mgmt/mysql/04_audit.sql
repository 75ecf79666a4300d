-- healthcare_mgmt pack, MySQL dialect: the audit trail.
--
-- The seed asks for "audit trails maintained for all critical data changes" and "audit trails for all
-- patient data access" (HIPAA).  Every INSERT, UPDATE and DELETE on the tables that hold protected
-- health information (patients, visits, medical_conditions, prescriptions, vitals, lab_results,
-- billing, insurance; ../privileges.yml `audit`) writes one row here from an AFTER row trigger:
--   who    db_user      the database account of the session, USER() (a trigger's CURRENT_USER() is
--                       its definer, so USER() is the one that names the session's login)
--          app_user_id  the application's user (users.id) that the application set for the
--                       connection in @dbintegrity_app_user_id; NULL when it set none
--   what   table_name, operation
--   which  row_id       the row's primary key (OLD.id for DELETE, NEW.id otherwise)
--   when   changed_at   CURRENT_TIMESTAMP (the statement's start)
--   values old_values / new_values: every column of the row before / after, as JSON (NULL for the
--          side that does not exist: old on INSERT, new on DELETE)
--
-- A table of its own rather than the seed's security_logs: security_logs records application events
-- (logins, failures, IP, user agent) that the application writes, so its writers could forge data-change
-- records there; its user_id is an FK with ON DELETE SET NULL, so deleting a user would erase "who"
-- from the trail, and a data change by an application user that is not (or no longer) in users would
-- fail on that FK.  audit_log has no FK at all: records outlive the rows and users they name.
--
-- Protection: no role may INSERT into audit_log (records come from the triggers only), and only
-- hm_admin may UPDATE or DELETE them (correction, retention purges).  The triggers run with the
-- rights of their DEFINER (the account that loaded the pack), so writes by roles that cannot touch
-- audit_log are still audited.
--
-- Known gap, MySQL only: InnoDB's foreign-key actions do not fire triggers ("cascaded foreign key
-- actions do not activate triggers", MySQL manual), so rows deleted by ON DELETE CASCADE, or nulled by
-- ON DELETE SET NULL, when their parent is deleted leave no audit record here; PostgreSQL's do
-- (capability fk_actions_fire_triggers).  Only hm_admin may delete a row that others reference
-- (users, patients, appointments, visits), so the gap is confined to the admin's hard deletes.
--
-- Trigger names, timing and events are the same in the PostgreSQL dialect: <table>_audit_<event>,
-- AFTER, one event each (the contract lists them, and both dialects must satisfy one contract).

CREATE TABLE audit_log (
  id BIGINT AUTO_INCREMENT PRIMARY KEY,
  table_name VARCHAR(64) NOT NULL,
  operation ENUM('INSERT', 'UPDATE', 'DELETE') NOT NULL,
  row_id VARCHAR(36) NOT NULL,
  db_user VARCHAR(288) NOT NULL,  -- USER(): up to 32 characters of user, '@', up to 255 of host
  app_user_id VARCHAR(36),
  changed_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  old_values JSON,
  new_values JSON,

  INDEX idx_row (table_name, row_id),
  INDEX idx_changed_at (changed_at),
  INDEX idx_app_user (app_user_id)
);

GRANT SELECT, UPDATE, DELETE ON audit_log TO hm_admin;

-- patients
CREATE TRIGGER patients_audit_insert AFTER INSERT ON patients FOR EACH ROW
  INSERT INTO audit_log (table_name, operation, row_id, db_user, app_user_id, old_values, new_values)
  VALUES ('patients', 'INSERT', NEW.id, USER(), NULLIF(@dbintegrity_app_user_id, ''),
    NULL,
    JSON_OBJECT('id', NEW.id, 'user_id', NEW.user_id, 'first_name', NEW.first_name,
      'last_name', NEW.last_name, 'date_of_birth', NEW.date_of_birth, 'gender', NEW.gender,
      'phone', NEW.phone, 'email', NEW.email, 'address', NEW.address, 'city', NEW.city,
      'state', NEW.state, 'zip_code', NEW.zip_code, 'country', NEW.country,
      'emergency_contact_name', NEW.emergency_contact_name,
      'emergency_contact_phone', NEW.emergency_contact_phone,
      'emergency_contact_relationship', NEW.emergency_contact_relationship,
      'blood_type', NEW.blood_type, 'allergies', NEW.allergies,
      'chronic_conditions', NEW.chronic_conditions, 'current_medications', NEW.current_medications,
      'primary_doctor_id', NEW.primary_doctor_id, 'status', NEW.status, 'created_at', NEW.created_at,
      'updated_at', NEW.updated_at));
CREATE TRIGGER patients_audit_update AFTER UPDATE ON patients FOR EACH ROW
  INSERT INTO audit_log (table_name, operation, row_id, db_user, app_user_id, old_values, new_values)
  VALUES ('patients', 'UPDATE', NEW.id, USER(), NULLIF(@dbintegrity_app_user_id, ''),
    JSON_OBJECT('id', OLD.id, 'user_id', OLD.user_id, 'first_name', OLD.first_name,
      'last_name', OLD.last_name, 'date_of_birth', OLD.date_of_birth, 'gender', OLD.gender,
      'phone', OLD.phone, 'email', OLD.email, 'address', OLD.address, 'city', OLD.city,
      'state', OLD.state, 'zip_code', OLD.zip_code, 'country', OLD.country,
      'emergency_contact_name', OLD.emergency_contact_name,
      'emergency_contact_phone', OLD.emergency_contact_phone,
      'emergency_contact_relationship', OLD.emergency_contact_relationship,
      'blood_type', OLD.blood_type, 'allergies', OLD.allergies,
      'chronic_conditions', OLD.chronic_conditions, 'current_medications', OLD.current_medications,
      'primary_doctor_id', OLD.primary_doctor_id, 'status', OLD.status, 'created_at', OLD.created_at,
      'updated_at', OLD.updated_at),
    JSON_OBJECT('id', NEW.id, 'user_id', NEW.user_id, 'first_name', NEW.first_name,
      'last_name', NEW.last_name, 'date_of_birth', NEW.date_of_birth, 'gender', NEW.gender,
      'phone', NEW.phone, 'email', NEW.email, 'address', NEW.address, 'city', NEW.city,
      'state', NEW.state, 'zip_code', NEW.zip_code, 'country', NEW.country,
      'emergency_contact_name', NEW.emergency_contact_name,
      'emergency_contact_phone', NEW.emergency_contact_phone,
      'emergency_contact_relationship', NEW.emergency_contact_relationship,
      'blood_type', NEW.blood_type, 'allergies', NEW.allergies,
      'chronic_conditions', NEW.chronic_conditions, 'current_medications', NEW.current_medications,
      'primary_doctor_id', NEW.primary_doctor_id, 'status', NEW.status, 'created_at', NEW.created_at,
      'updated_at', NEW.updated_at));
CREATE TRIGGER patients_audit_delete AFTER DELETE ON patients FOR EACH ROW
  INSERT INTO audit_log (table_name, operation, row_id, db_user, app_user_id, old_values, new_values)
  VALUES ('patients', 'DELETE', OLD.id, USER(), NULLIF(@dbintegrity_app_user_id, ''),
    JSON_OBJECT('id', OLD.id, 'user_id', OLD.user_id, 'first_name', OLD.first_name,
      'last_name', OLD.last_name, 'date_of_birth', OLD.date_of_birth, 'gender', OLD.gender,
      'phone', OLD.phone, 'email', OLD.email, 'address', OLD.address, 'city', OLD.city,
      'state', OLD.state, 'zip_code', OLD.zip_code, 'country', OLD.country,
      'emergency_contact_name', OLD.emergency_contact_name,
      'emergency_contact_phone', OLD.emergency_contact_phone,
      'emergency_contact_relationship', OLD.emergency_contact_relationship,
      'blood_type', OLD.blood_type, 'allergies', OLD.allergies,
      'chronic_conditions', OLD.chronic_conditions, 'current_medications', OLD.current_medications,
      'primary_doctor_id', OLD.primary_doctor_id, 'status', OLD.status, 'created_at', OLD.created_at,
      'updated_at', OLD.updated_at),
    NULL);

-- visits
CREATE TRIGGER visits_audit_insert AFTER INSERT ON visits FOR EACH ROW
  INSERT INTO audit_log (table_name, operation, row_id, db_user, app_user_id, old_values, new_values)
  VALUES ('visits', 'INSERT', NEW.id, USER(), NULLIF(@dbintegrity_app_user_id, ''),
    NULL,
    JSON_OBJECT('id', NEW.id, 'patient_id', NEW.patient_id, 'doctor_id', NEW.doctor_id,
      'appointment_id', NEW.appointment_id, 'visit_date', NEW.visit_date, 'visit_time', NEW.visit_time,
      'visit_type', NEW.visit_type, 'chief_complaint', NEW.chief_complaint,
      'history_present_illness', NEW.history_present_illness,
      'physical_examination', NEW.physical_examination, 'assessment', NEW.assessment, 'plan', NEW.plan,
      'notes', NEW.notes, 'discharge_instructions', NEW.discharge_instructions,
      'follow_up_instructions', NEW.follow_up_instructions, 'status', NEW.status,
      'created_at', NEW.created_at, 'updated_at', NEW.updated_at));
CREATE TRIGGER visits_audit_update AFTER UPDATE ON visits FOR EACH ROW
  INSERT INTO audit_log (table_name, operation, row_id, db_user, app_user_id, old_values, new_values)
  VALUES ('visits', 'UPDATE', NEW.id, USER(), NULLIF(@dbintegrity_app_user_id, ''),
    JSON_OBJECT('id', OLD.id, 'patient_id', OLD.patient_id, 'doctor_id', OLD.doctor_id,
      'appointment_id', OLD.appointment_id, 'visit_date', OLD.visit_date, 'visit_time', OLD.visit_time,
      'visit_type', OLD.visit_type, 'chief_complaint', OLD.chief_complaint,
      'history_present_illness', OLD.history_present_illness,
      'physical_examination', OLD.physical_examination, 'assessment', OLD.assessment, 'plan', OLD.plan,
      'notes', OLD.notes, 'discharge_instructions', OLD.discharge_instructions,
      'follow_up_instructions', OLD.follow_up_instructions, 'status', OLD.status,
      'created_at', OLD.created_at, 'updated_at', OLD.updated_at),
    JSON_OBJECT('id', NEW.id, 'patient_id', NEW.patient_id, 'doctor_id', NEW.doctor_id,
      'appointment_id', NEW.appointment_id, 'visit_date', NEW.visit_date, 'visit_time', NEW.visit_time,
      'visit_type', NEW.visit_type, 'chief_complaint', NEW.chief_complaint,
      'history_present_illness', NEW.history_present_illness,
      'physical_examination', NEW.physical_examination, 'assessment', NEW.assessment, 'plan', NEW.plan,
      'notes', NEW.notes, 'discharge_instructions', NEW.discharge_instructions,
      'follow_up_instructions', NEW.follow_up_instructions, 'status', NEW.status,
      'created_at', NEW.created_at, 'updated_at', NEW.updated_at));
CREATE TRIGGER visits_audit_delete AFTER DELETE ON visits FOR EACH ROW
  INSERT INTO audit_log (table_name, operation, row_id, db_user, app_user_id, old_values, new_values)
  VALUES ('visits', 'DELETE', OLD.id, USER(), NULLIF(@dbintegrity_app_user_id, ''),
    JSON_OBJECT('id', OLD.id, 'patient_id', OLD.patient_id, 'doctor_id', OLD.doctor_id,
      'appointment_id', OLD.appointment_id, 'visit_date', OLD.visit_date, 'visit_time', OLD.visit_time,
      'visit_type', OLD.visit_type, 'chief_complaint', OLD.chief_complaint,
      'history_present_illness', OLD.history_present_illness,
      'physical_examination', OLD.physical_examination, 'assessment', OLD.assessment, 'plan', OLD.plan,
      'notes', OLD.notes, 'discharge_instructions', OLD.discharge_instructions,
      'follow_up_instructions', OLD.follow_up_instructions, 'status', OLD.status,
      'created_at', OLD.created_at, 'updated_at', OLD.updated_at),
    NULL);

-- medical_conditions
CREATE TRIGGER medical_conditions_audit_insert AFTER INSERT ON medical_conditions FOR EACH ROW
  INSERT INTO audit_log (table_name, operation, row_id, db_user, app_user_id, old_values, new_values)
  VALUES ('medical_conditions', 'INSERT', NEW.id, USER(), NULLIF(@dbintegrity_app_user_id, ''),
    NULL,
    JSON_OBJECT('id', NEW.id, 'patient_id', NEW.patient_id, 'visit_id', NEW.visit_id,
      'condition_name', NEW.condition_name, 'icd_10_code', NEW.icd_10_code,
      'diagnosis_date', NEW.diagnosis_date, 'severity', NEW.severity, 'status', NEW.status,
      'notes', NEW.notes, 'diagnosed_by', NEW.diagnosed_by, 'created_at', NEW.created_at,
      'updated_at', NEW.updated_at));
CREATE TRIGGER medical_conditions_audit_update AFTER UPDATE ON medical_conditions FOR EACH ROW
  INSERT INTO audit_log (table_name, operation, row_id, db_user, app_user_id, old_values, new_values)
  VALUES ('medical_conditions', 'UPDATE', NEW.id, USER(), NULLIF(@dbintegrity_app_user_id, ''),
    JSON_OBJECT('id', OLD.id, 'patient_id', OLD.patient_id, 'visit_id', OLD.visit_id,
      'condition_name', OLD.condition_name, 'icd_10_code', OLD.icd_10_code,
      'diagnosis_date', OLD.diagnosis_date, 'severity', OLD.severity, 'status', OLD.status,
      'notes', OLD.notes, 'diagnosed_by', OLD.diagnosed_by, 'created_at', OLD.created_at,
      'updated_at', OLD.updated_at),
    JSON_OBJECT('id', NEW.id, 'patient_id', NEW.patient_id, 'visit_id', NEW.visit_id,
      'condition_name', NEW.condition_name, 'icd_10_code', NEW.icd_10_code,
      'diagnosis_date', NEW.diagnosis_date, 'severity', NEW.severity, 'status', NEW.status,
      'notes', NEW.notes, 'diagnosed_by', NEW.diagnosed_by, 'created_at', NEW.created_at,
      'updated_at', NEW.updated_at));
CREATE TRIGGER medical_conditions_audit_delete AFTER DELETE ON medical_conditions FOR EACH ROW
  INSERT INTO audit_log (table_name, operation, row_id, db_user, app_user_id, old_values, new_values)
  VALUES ('medical_conditions', 'DELETE', OLD.id, USER(), NULLIF(@dbintegrity_app_user_id, ''),
    JSON_OBJECT('id', OLD.id, 'patient_id', OLD.patient_id, 'visit_id', OLD.visit_id,
      'condition_name', OLD.condition_name, 'icd_10_code', OLD.icd_10_code,
      'diagnosis_date', OLD.diagnosis_date, 'severity', OLD.severity, 'status', OLD.status,
      'notes', OLD.notes, 'diagnosed_by', OLD.diagnosed_by, 'created_at', OLD.created_at,
      'updated_at', OLD.updated_at),
    NULL);

-- prescriptions
CREATE TRIGGER prescriptions_audit_insert AFTER INSERT ON prescriptions FOR EACH ROW
  INSERT INTO audit_log (table_name, operation, row_id, db_user, app_user_id, old_values, new_values)
  VALUES ('prescriptions', 'INSERT', NEW.id, USER(), NULLIF(@dbintegrity_app_user_id, ''),
    NULL,
    JSON_OBJECT('id', NEW.id, 'patient_id', NEW.patient_id, 'doctor_id', NEW.doctor_id,
      'visit_id', NEW.visit_id, 'medication_name', NEW.medication_name, 'dosage', NEW.dosage,
      'frequency', NEW.frequency, 'duration', NEW.duration,
      'quantity_prescribed', NEW.quantity_prescribed, 'refills_remaining', NEW.refills_remaining,
      'instructions', NEW.instructions, 'indication', NEW.indication, 'status', NEW.status,
      'prescribed_date', NEW.prescribed_date, 'start_date', NEW.start_date, 'end_date', NEW.end_date,
      'pharmacy_notes', NEW.pharmacy_notes, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at));
CREATE TRIGGER prescriptions_audit_update AFTER UPDATE ON prescriptions FOR EACH ROW
  INSERT INTO audit_log (table_name, operation, row_id, db_user, app_user_id, old_values, new_values)
  VALUES ('prescriptions', 'UPDATE', NEW.id, USER(), NULLIF(@dbintegrity_app_user_id, ''),
    JSON_OBJECT('id', OLD.id, 'patient_id', OLD.patient_id, 'doctor_id', OLD.doctor_id,
      'visit_id', OLD.visit_id, 'medication_name', OLD.medication_name, 'dosage', OLD.dosage,
      'frequency', OLD.frequency, 'duration', OLD.duration,
      'quantity_prescribed', OLD.quantity_prescribed, 'refills_remaining', OLD.refills_remaining,
      'instructions', OLD.instructions, 'indication', OLD.indication, 'status', OLD.status,
      'prescribed_date', OLD.prescribed_date, 'start_date', OLD.start_date, 'end_date', OLD.end_date,
      'pharmacy_notes', OLD.pharmacy_notes, 'created_at', OLD.created_at, 'updated_at', OLD.updated_at),
    JSON_OBJECT('id', NEW.id, 'patient_id', NEW.patient_id, 'doctor_id', NEW.doctor_id,
      'visit_id', NEW.visit_id, 'medication_name', NEW.medication_name, 'dosage', NEW.dosage,
      'frequency', NEW.frequency, 'duration', NEW.duration,
      'quantity_prescribed', NEW.quantity_prescribed, 'refills_remaining', NEW.refills_remaining,
      'instructions', NEW.instructions, 'indication', NEW.indication, 'status', NEW.status,
      'prescribed_date', NEW.prescribed_date, 'start_date', NEW.start_date, 'end_date', NEW.end_date,
      'pharmacy_notes', NEW.pharmacy_notes, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at));
CREATE TRIGGER prescriptions_audit_delete AFTER DELETE ON prescriptions FOR EACH ROW
  INSERT INTO audit_log (table_name, operation, row_id, db_user, app_user_id, old_values, new_values)
  VALUES ('prescriptions', 'DELETE', OLD.id, USER(), NULLIF(@dbintegrity_app_user_id, ''),
    JSON_OBJECT('id', OLD.id, 'patient_id', OLD.patient_id, 'doctor_id', OLD.doctor_id,
      'visit_id', OLD.visit_id, 'medication_name', OLD.medication_name, 'dosage', OLD.dosage,
      'frequency', OLD.frequency, 'duration', OLD.duration,
      'quantity_prescribed', OLD.quantity_prescribed, 'refills_remaining', OLD.refills_remaining,
      'instructions', OLD.instructions, 'indication', OLD.indication, 'status', OLD.status,
      'prescribed_date', OLD.prescribed_date, 'start_date', OLD.start_date, 'end_date', OLD.end_date,
      'pharmacy_notes', OLD.pharmacy_notes, 'created_at', OLD.created_at, 'updated_at', OLD.updated_at),
    NULL);

-- vitals
CREATE TRIGGER vitals_audit_insert AFTER INSERT ON vitals FOR EACH ROW
  INSERT INTO audit_log (table_name, operation, row_id, db_user, app_user_id, old_values, new_values)
  VALUES ('vitals', 'INSERT', NEW.id, USER(), NULLIF(@dbintegrity_app_user_id, ''),
    NULL,
    JSON_OBJECT('id', NEW.id, 'patient_id', NEW.patient_id, 'visit_id', NEW.visit_id,
      'recorded_by', NEW.recorded_by, 'recorded_at', NEW.recorded_at, 'systolic_bp', NEW.systolic_bp,
      'diastolic_bp', NEW.diastolic_bp, 'heart_rate', NEW.heart_rate,
      'respiratory_rate', NEW.respiratory_rate, 'temperature', NEW.temperature,
      'temperature_unit', NEW.temperature_unit, 'oxygen_saturation', NEW.oxygen_saturation,
      'weight', NEW.weight, 'weight_unit', NEW.weight_unit, 'height_feet', NEW.height_feet,
      'height_inches', NEW.height_inches, 'height_cm', NEW.height_cm, 'bmi', NEW.bmi,
      'pain_scale', NEW.pain_scale, 'notes', NEW.notes));
CREATE TRIGGER vitals_audit_update AFTER UPDATE ON vitals FOR EACH ROW
  INSERT INTO audit_log (table_name, operation, row_id, db_user, app_user_id, old_values, new_values)
  VALUES ('vitals', 'UPDATE', NEW.id, USER(), NULLIF(@dbintegrity_app_user_id, ''),
    JSON_OBJECT('id', OLD.id, 'patient_id', OLD.patient_id, 'visit_id', OLD.visit_id,
      'recorded_by', OLD.recorded_by, 'recorded_at', OLD.recorded_at, 'systolic_bp', OLD.systolic_bp,
      'diastolic_bp', OLD.diastolic_bp, 'heart_rate', OLD.heart_rate,
      'respiratory_rate', OLD.respiratory_rate, 'temperature', OLD.temperature,
      'temperature_unit', OLD.temperature_unit, 'oxygen_saturation', OLD.oxygen_saturation,
      'weight', OLD.weight, 'weight_unit', OLD.weight_unit, 'height_feet', OLD.height_feet,
      'height_inches', OLD.height_inches, 'height_cm', OLD.height_cm, 'bmi', OLD.bmi,
      'pain_scale', OLD.pain_scale, 'notes', OLD.notes),
    JSON_OBJECT('id', NEW.id, 'patient_id', NEW.patient_id, 'visit_id', NEW.visit_id,
      'recorded_by', NEW.recorded_by, 'recorded_at', NEW.recorded_at, 'systolic_bp', NEW.systolic_bp,
      'diastolic_bp', NEW.diastolic_bp, 'heart_rate', NEW.heart_rate,
      'respiratory_rate', NEW.respiratory_rate, 'temperature', NEW.temperature,
      'temperature_unit', NEW.temperature_unit, 'oxygen_saturation', NEW.oxygen_saturation,
      'weight', NEW.weight, 'weight_unit', NEW.weight_unit, 'height_feet', NEW.height_feet,
      'height_inches', NEW.height_inches, 'height_cm', NEW.height_cm, 'bmi', NEW.bmi,
      'pain_scale', NEW.pain_scale, 'notes', NEW.notes));
CREATE TRIGGER vitals_audit_delete AFTER DELETE ON vitals FOR EACH ROW
  INSERT INTO audit_log (table_name, operation, row_id, db_user, app_user_id, old_values, new_values)
  VALUES ('vitals', 'DELETE', OLD.id, USER(), NULLIF(@dbintegrity_app_user_id, ''),
    JSON_OBJECT('id', OLD.id, 'patient_id', OLD.patient_id, 'visit_id', OLD.visit_id,
      'recorded_by', OLD.recorded_by, 'recorded_at', OLD.recorded_at, 'systolic_bp', OLD.systolic_bp,
      'diastolic_bp', OLD.diastolic_bp, 'heart_rate', OLD.heart_rate,
      'respiratory_rate', OLD.respiratory_rate, 'temperature', OLD.temperature,
      'temperature_unit', OLD.temperature_unit, 'oxygen_saturation', OLD.oxygen_saturation,
      'weight', OLD.weight, 'weight_unit', OLD.weight_unit, 'height_feet', OLD.height_feet,
      'height_inches', OLD.height_inches, 'height_cm', OLD.height_cm, 'bmi', OLD.bmi,
      'pain_scale', OLD.pain_scale, 'notes', OLD.notes),
    NULL);

-- lab_results
CREATE TRIGGER lab_results_audit_insert AFTER INSERT ON lab_results FOR EACH ROW
  INSERT INTO audit_log (table_name, operation, row_id, db_user, app_user_id, old_values, new_values)
  VALUES ('lab_results', 'INSERT', NEW.id, USER(), NULLIF(@dbintegrity_app_user_id, ''),
    NULL,
    JSON_OBJECT('id', NEW.id, 'patient_id', NEW.patient_id, 'visit_id', NEW.visit_id,
      'ordered_by', NEW.ordered_by, 'test_name', NEW.test_name, 'test_code', NEW.test_code,
      'test_category', NEW.test_category, 'result_value', NEW.result_value,
      'result_unit', NEW.result_unit, 'reference_range', NEW.reference_range, 'status', NEW.status,
      'abnormal_flag', NEW.abnormal_flag, 'ordered_date', NEW.ordered_date,
      'collection_date', NEW.collection_date, 'result_date', NEW.result_date,
      'lab_comments', NEW.lab_comments, 'interpretation', NEW.interpretation));
CREATE TRIGGER lab_results_audit_update AFTER UPDATE ON lab_results FOR EACH ROW
  INSERT INTO audit_log (table_name, operation, row_id, db_user, app_user_id, old_values, new_values)
  VALUES ('lab_results', 'UPDATE', NEW.id, USER(), NULLIF(@dbintegrity_app_user_id, ''),
    JSON_OBJECT('id', OLD.id, 'patient_id', OLD.patient_id, 'visit_id', OLD.visit_id,
      'ordered_by', OLD.ordered_by, 'test_name', OLD.test_name, 'test_code', OLD.test_code,
      'test_category', OLD.test_category, 'result_value', OLD.result_value,
      'result_unit', OLD.result_unit, 'reference_range', OLD.reference_range, 'status', OLD.status,
      'abnormal_flag', OLD.abnormal_flag, 'ordered_date', OLD.ordered_date,
      'collection_date', OLD.collection_date, 'result_date', OLD.result_date,
      'lab_comments', OLD.lab_comments, 'interpretation', OLD.interpretation),
    JSON_OBJECT('id', NEW.id, 'patient_id', NEW.patient_id, 'visit_id', NEW.visit_id,
      'ordered_by', NEW.ordered_by, 'test_name', NEW.test_name, 'test_code', NEW.test_code,
      'test_category', NEW.test_category, 'result_value', NEW.result_value,
      'result_unit', NEW.result_unit, 'reference_range', NEW.reference_range, 'status', NEW.status,
      'abnormal_flag', NEW.abnormal_flag, 'ordered_date', NEW.ordered_date,
      'collection_date', NEW.collection_date, 'result_date', NEW.result_date,
      'lab_comments', NEW.lab_comments, 'interpretation', NEW.interpretation));
CREATE TRIGGER lab_results_audit_delete AFTER DELETE ON lab_results FOR EACH ROW
  INSERT INTO audit_log (table_name, operation, row_id, db_user, app_user_id, old_values, new_values)
  VALUES ('lab_results', 'DELETE', OLD.id, USER(), NULLIF(@dbintegrity_app_user_id, ''),
    JSON_OBJECT('id', OLD.id, 'patient_id', OLD.patient_id, 'visit_id', OLD.visit_id,
      'ordered_by', OLD.ordered_by, 'test_name', OLD.test_name, 'test_code', OLD.test_code,
      'test_category', OLD.test_category, 'result_value', OLD.result_value,
      'result_unit', OLD.result_unit, 'reference_range', OLD.reference_range, 'status', OLD.status,
      'abnormal_flag', OLD.abnormal_flag, 'ordered_date', OLD.ordered_date,
      'collection_date', OLD.collection_date, 'result_date', OLD.result_date,
      'lab_comments', OLD.lab_comments, 'interpretation', OLD.interpretation),
    NULL);

-- billing
CREATE TRIGGER billing_audit_insert AFTER INSERT ON billing FOR EACH ROW
  INSERT INTO audit_log (table_name, operation, row_id, db_user, app_user_id, old_values, new_values)
  VALUES ('billing', 'INSERT', NEW.id, USER(), NULLIF(@dbintegrity_app_user_id, ''),
    NULL,
    JSON_OBJECT('id', NEW.id, 'patient_id', NEW.patient_id, 'visit_id', NEW.visit_id,
      'appointment_id', NEW.appointment_id, 'invoice_number', NEW.invoice_number,
      'service_date', NEW.service_date, 'service_description', NEW.service_description,
      'procedure_codes', NEW.procedure_codes, 'diagnosis_codes', NEW.diagnosis_codes,
      'amount_charged', NEW.amount_charged, 'amount_paid', NEW.amount_paid,
      'amount_due', NEW.amount_due, 'payment_status', NEW.payment_status,
      'billing_date', NEW.billing_date, 'due_date', NEW.due_date, 'payment_date', NEW.payment_date,
      'payment_method', NEW.payment_method, 'notes', NEW.notes, 'created_by', NEW.created_by));
CREATE TRIGGER billing_audit_update AFTER UPDATE ON billing FOR EACH ROW
  INSERT INTO audit_log (table_name, operation, row_id, db_user, app_user_id, old_values, new_values)
  VALUES ('billing', 'UPDATE', NEW.id, USER(), NULLIF(@dbintegrity_app_user_id, ''),
    JSON_OBJECT('id', OLD.id, 'patient_id', OLD.patient_id, 'visit_id', OLD.visit_id,
      'appointment_id', OLD.appointment_id, 'invoice_number', OLD.invoice_number,
      'service_date', OLD.service_date, 'service_description', OLD.service_description,
      'procedure_codes', OLD.procedure_codes, 'diagnosis_codes', OLD.diagnosis_codes,
      'amount_charged', OLD.amount_charged, 'amount_paid', OLD.amount_paid,
      'amount_due', OLD.amount_due, 'payment_status', OLD.payment_status,
      'billing_date', OLD.billing_date, 'due_date', OLD.due_date, 'payment_date', OLD.payment_date,
      'payment_method', OLD.payment_method, 'notes', OLD.notes, 'created_by', OLD.created_by),
    JSON_OBJECT('id', NEW.id, 'patient_id', NEW.patient_id, 'visit_id', NEW.visit_id,
      'appointment_id', NEW.appointment_id, 'invoice_number', NEW.invoice_number,
      'service_date', NEW.service_date, 'service_description', NEW.service_description,
      'procedure_codes', NEW.procedure_codes, 'diagnosis_codes', NEW.diagnosis_codes,
      'amount_charged', NEW.amount_charged, 'amount_paid', NEW.amount_paid,
      'amount_due', NEW.amount_due, 'payment_status', NEW.payment_status,
      'billing_date', NEW.billing_date, 'due_date', NEW.due_date, 'payment_date', NEW.payment_date,
      'payment_method', NEW.payment_method, 'notes', NEW.notes, 'created_by', NEW.created_by));
CREATE TRIGGER billing_audit_delete AFTER DELETE ON billing FOR EACH ROW
  INSERT INTO audit_log (table_name, operation, row_id, db_user, app_user_id, old_values, new_values)
  VALUES ('billing', 'DELETE', OLD.id, USER(), NULLIF(@dbintegrity_app_user_id, ''),
    JSON_OBJECT('id', OLD.id, 'patient_id', OLD.patient_id, 'visit_id', OLD.visit_id,
      'appointment_id', OLD.appointment_id, 'invoice_number', OLD.invoice_number,
      'service_date', OLD.service_date, 'service_description', OLD.service_description,
      'procedure_codes', OLD.procedure_codes, 'diagnosis_codes', OLD.diagnosis_codes,
      'amount_charged', OLD.amount_charged, 'amount_paid', OLD.amount_paid,
      'amount_due', OLD.amount_due, 'payment_status', OLD.payment_status,
      'billing_date', OLD.billing_date, 'due_date', OLD.due_date, 'payment_date', OLD.payment_date,
      'payment_method', OLD.payment_method, 'notes', OLD.notes, 'created_by', OLD.created_by),
    NULL);

-- insurance
CREATE TRIGGER insurance_audit_insert AFTER INSERT ON insurance FOR EACH ROW
  INSERT INTO audit_log (table_name, operation, row_id, db_user, app_user_id, old_values, new_values)
  VALUES ('insurance', 'INSERT', NEW.id, USER(), NULLIF(@dbintegrity_app_user_id, ''),
    NULL,
    JSON_OBJECT('id', NEW.id, 'patient_id', NEW.patient_id, 'insurance_company', NEW.insurance_company,
      'policy_number', NEW.policy_number, 'group_number', NEW.group_number,
      'policy_holder_name', NEW.policy_holder_name,
      'relationship_to_patient', NEW.relationship_to_patient, 'coverage_type', NEW.coverage_type,
      'effective_date', NEW.effective_date, 'expiration_date', NEW.expiration_date,
      'copay_amount', NEW.copay_amount, 'deductible_amount', NEW.deductible_amount,
      'deductible_met', NEW.deductible_met, 'status', NEW.status,
      'pre_auth_required', NEW.pre_auth_required, 'notes', NEW.notes));
CREATE TRIGGER insurance_audit_update AFTER UPDATE ON insurance FOR EACH ROW
  INSERT INTO audit_log (table_name, operation, row_id, db_user, app_user_id, old_values, new_values)
  VALUES ('insurance', 'UPDATE', NEW.id, USER(), NULLIF(@dbintegrity_app_user_id, ''),
    JSON_OBJECT('id', OLD.id, 'patient_id', OLD.patient_id, 'insurance_company', OLD.insurance_company,
      'policy_number', OLD.policy_number, 'group_number', OLD.group_number,
      'policy_holder_name', OLD.policy_holder_name,
      'relationship_to_patient', OLD.relationship_to_patient, 'coverage_type', OLD.coverage_type,
      'effective_date', OLD.effective_date, 'expiration_date', OLD.expiration_date,
      'copay_amount', OLD.copay_amount, 'deductible_amount', OLD.deductible_amount,
      'deductible_met', OLD.deductible_met, 'status', OLD.status,
      'pre_auth_required', OLD.pre_auth_required, 'notes', OLD.notes),
    JSON_OBJECT('id', NEW.id, 'patient_id', NEW.patient_id, 'insurance_company', NEW.insurance_company,
      'policy_number', NEW.policy_number, 'group_number', NEW.group_number,
      'policy_holder_name', NEW.policy_holder_name,
      'relationship_to_patient', NEW.relationship_to_patient, 'coverage_type', NEW.coverage_type,
      'effective_date', NEW.effective_date, 'expiration_date', NEW.expiration_date,
      'copay_amount', NEW.copay_amount, 'deductible_amount', NEW.deductible_amount,
      'deductible_met', NEW.deductible_met, 'status', NEW.status,
      'pre_auth_required', NEW.pre_auth_required, 'notes', NEW.notes));
CREATE TRIGGER insurance_audit_delete AFTER DELETE ON insurance FOR EACH ROW
  INSERT INTO audit_log (table_name, operation, row_id, db_user, app_user_id, old_values, new_values)
  VALUES ('insurance', 'DELETE', OLD.id, USER(), NULLIF(@dbintegrity_app_user_id, ''),
    JSON_OBJECT('id', OLD.id, 'patient_id', OLD.patient_id, 'insurance_company', OLD.insurance_company,
      'policy_number', OLD.policy_number, 'group_number', OLD.group_number,
      'policy_holder_name', OLD.policy_holder_name,
      'relationship_to_patient', OLD.relationship_to_patient, 'coverage_type', OLD.coverage_type,
      'effective_date', OLD.effective_date, 'expiration_date', OLD.expiration_date,
      'copay_amount', OLD.copay_amount, 'deductible_amount', OLD.deductible_amount,
      'deductible_met', OLD.deductible_met, 'status', OLD.status,
      'pre_auth_required', OLD.pre_auth_required, 'notes', OLD.notes),
    NULL);
