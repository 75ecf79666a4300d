-- hospital_oltp pack, MySQL dialect: the audit trail.  Every INSERT, UPDATE and DELETE of a table that holds
-- protected health information (patients, patient_addresses, patient_emergency_contacts, patient_allergies,
-- encounters, vital_signs, encounter_diagnoses, clinical_notes, lab_results, prescriptions) writes one row of
-- audit_logs from an AFTER row trigger: which table and row, the operation, the database account (USER()),
-- the application's user (@dbintegrity_app_user_id, NULL when unset), and the row before and after as JSON.
-- audit_logs has no foreign key: records outlive the rows and users they name.
-- Known gap, MySQL only: InnoDB's foreign-key actions fire no triggers, so rows removed by ON DELETE CASCADE
-- (a patient's addresses) or changed by SET NULL leave no record here; PostgreSQL's do.

CREATE TRIGGER patients_audit_insert AFTER INSERT ON patients FOR EACH ROW
  INSERT INTO audit_logs (table_name, operation, row_id, db_user, app_user_id, old_values, new_values)
  VALUES ('patients', 'INSERT', NEW.id, USER(), NULLIF(@dbintegrity_app_user_id, ''),
    NULL,
    JSON_OBJECT('id', NEW.id, 'mrn', NEW.mrn, 'first_name', NEW.first_name, 'last_name', NEW.last_name, 'date_of_birth', NEW.date_of_birth, 'gender', NEW.gender, 'blood_type', NEW.blood_type, 'marital_status', NEW.marital_status, 'phone', NEW.phone, 'email', NEW.email, 'primary_doctor_id', NEW.primary_doctor_id, 'status', NEW.status, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at));
CREATE TRIGGER patients_audit_update AFTER UPDATE ON patients FOR EACH ROW
  INSERT INTO audit_logs (table_name, operation, row_id, db_user, app_user_id, old_values, new_values)
  VALUES ('patients', 'UPDATE', NEW.id, USER(), NULLIF(@dbintegrity_app_user_id, ''),
    JSON_OBJECT('id', OLD.id, 'mrn', OLD.mrn, 'first_name', OLD.first_name, 'last_name', OLD.last_name, 'date_of_birth', OLD.date_of_birth, 'gender', OLD.gender, 'blood_type', OLD.blood_type, 'marital_status', OLD.marital_status, 'phone', OLD.phone, 'email', OLD.email, 'primary_doctor_id', OLD.primary_doctor_id, 'status', OLD.status, 'created_at', OLD.created_at, 'updated_at', OLD.updated_at),
    JSON_OBJECT('id', NEW.id, 'mrn', NEW.mrn, 'first_name', NEW.first_name, 'last_name', NEW.last_name, 'date_of_birth', NEW.date_of_birth, 'gender', NEW.gender, 'blood_type', NEW.blood_type, 'marital_status', NEW.marital_status, 'phone', NEW.phone, 'email', NEW.email, 'primary_doctor_id', NEW.primary_doctor_id, 'status', NEW.status, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at));
CREATE TRIGGER patients_audit_delete AFTER DELETE ON patients FOR EACH ROW
  INSERT INTO audit_logs (table_name, operation, row_id, db_user, app_user_id, old_values, new_values)
  VALUES ('patients', 'DELETE', OLD.id, USER(), NULLIF(@dbintegrity_app_user_id, ''),
    JSON_OBJECT('id', OLD.id, 'mrn', OLD.mrn, 'first_name', OLD.first_name, 'last_name', OLD.last_name, 'date_of_birth', OLD.date_of_birth, 'gender', OLD.gender, 'blood_type', OLD.blood_type, 'marital_status', OLD.marital_status, 'phone', OLD.phone, 'email', OLD.email, 'primary_doctor_id', OLD.primary_doctor_id, 'status', OLD.status, 'created_at', OLD.created_at, 'updated_at', OLD.updated_at),
    NULL);
CREATE TRIGGER patient_addresses_audit_insert AFTER INSERT ON patient_addresses FOR EACH ROW
  INSERT INTO audit_logs (table_name, operation, row_id, db_user, app_user_id, old_values, new_values)
  VALUES ('patient_addresses', 'INSERT', NEW.id, USER(), NULLIF(@dbintegrity_app_user_id, ''),
    NULL,
    JSON_OBJECT('id', NEW.id, 'patient_id', NEW.patient_id, 'address_type', NEW.address_type, 'line1', NEW.line1, 'line2', NEW.line2, 'city', NEW.city, 'state', NEW.state, 'postal_code', NEW.postal_code, 'country', NEW.country, 'is_primary', NEW.is_primary, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at));
CREATE TRIGGER patient_addresses_audit_update AFTER UPDATE ON patient_addresses FOR EACH ROW
  INSERT INTO audit_logs (table_name, operation, row_id, db_user, app_user_id, old_values, new_values)
  VALUES ('patient_addresses', 'UPDATE', NEW.id, USER(), NULLIF(@dbintegrity_app_user_id, ''),
    JSON_OBJECT('id', OLD.id, 'patient_id', OLD.patient_id, 'address_type', OLD.address_type, 'line1', OLD.line1, 'line2', OLD.line2, 'city', OLD.city, 'state', OLD.state, 'postal_code', OLD.postal_code, 'country', OLD.country, 'is_primary', OLD.is_primary, 'created_at', OLD.created_at, 'updated_at', OLD.updated_at),
    JSON_OBJECT('id', NEW.id, 'patient_id', NEW.patient_id, 'address_type', NEW.address_type, 'line1', NEW.line1, 'line2', NEW.line2, 'city', NEW.city, 'state', NEW.state, 'postal_code', NEW.postal_code, 'country', NEW.country, 'is_primary', NEW.is_primary, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at));
CREATE TRIGGER patient_addresses_audit_delete AFTER DELETE ON patient_addresses FOR EACH ROW
  INSERT INTO audit_logs (table_name, operation, row_id, db_user, app_user_id, old_values, new_values)
  VALUES ('patient_addresses', 'DELETE', OLD.id, USER(), NULLIF(@dbintegrity_app_user_id, ''),
    JSON_OBJECT('id', OLD.id, 'patient_id', OLD.patient_id, 'address_type', OLD.address_type, 'line1', OLD.line1, 'line2', OLD.line2, 'city', OLD.city, 'state', OLD.state, 'postal_code', OLD.postal_code, 'country', OLD.country, 'is_primary', OLD.is_primary, 'created_at', OLD.created_at, 'updated_at', OLD.updated_at),
    NULL);
CREATE TRIGGER patient_emergency_contacts_audit_insert AFTER INSERT ON patient_emergency_contacts FOR EACH ROW
  INSERT INTO audit_logs (table_name, operation, row_id, db_user, app_user_id, old_values, new_values)
  VALUES ('patient_emergency_contacts', 'INSERT', NEW.id, USER(), NULLIF(@dbintegrity_app_user_id, ''),
    NULL,
    JSON_OBJECT('id', NEW.id, 'patient_id', NEW.patient_id, 'full_name', NEW.full_name, 'relationship', NEW.relationship, 'phone', NEW.phone, 'email', NEW.email, 'priority', NEW.priority, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at));
CREATE TRIGGER patient_emergency_contacts_audit_update AFTER UPDATE ON patient_emergency_contacts FOR EACH ROW
  INSERT INTO audit_logs (table_name, operation, row_id, db_user, app_user_id, old_values, new_values)
  VALUES ('patient_emergency_contacts', 'UPDATE', NEW.id, USER(), NULLIF(@dbintegrity_app_user_id, ''),
    JSON_OBJECT('id', OLD.id, 'patient_id', OLD.patient_id, 'full_name', OLD.full_name, 'relationship', OLD.relationship, 'phone', OLD.phone, 'email', OLD.email, 'priority', OLD.priority, 'created_at', OLD.created_at, 'updated_at', OLD.updated_at),
    JSON_OBJECT('id', NEW.id, 'patient_id', NEW.patient_id, 'full_name', NEW.full_name, 'relationship', NEW.relationship, 'phone', NEW.phone, 'email', NEW.email, 'priority', NEW.priority, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at));
CREATE TRIGGER patient_emergency_contacts_audit_delete AFTER DELETE ON patient_emergency_contacts FOR EACH ROW
  INSERT INTO audit_logs (table_name, operation, row_id, db_user, app_user_id, old_values, new_values)
  VALUES ('patient_emergency_contacts', 'DELETE', OLD.id, USER(), NULLIF(@dbintegrity_app_user_id, ''),
    JSON_OBJECT('id', OLD.id, 'patient_id', OLD.patient_id, 'full_name', OLD.full_name, 'relationship', OLD.relationship, 'phone', OLD.phone, 'email', OLD.email, 'priority', OLD.priority, 'created_at', OLD.created_at, 'updated_at', OLD.updated_at),
    NULL);
CREATE TRIGGER patient_allergies_audit_insert AFTER INSERT ON patient_allergies FOR EACH ROW
  INSERT INTO audit_logs (table_name, operation, row_id, db_user, app_user_id, old_values, new_values)
  VALUES ('patient_allergies', 'INSERT', NEW.id, USER(), NULLIF(@dbintegrity_app_user_id, ''),
    NULL,
    JSON_OBJECT('id', NEW.id, 'patient_id', NEW.patient_id, 'medication_id', NEW.medication_id, 'allergen', NEW.allergen, 'allergy_type', NEW.allergy_type, 'severity', NEW.severity, 'reaction', NEW.reaction, 'noted_on', NEW.noted_on, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at));
CREATE TRIGGER patient_allergies_audit_update AFTER UPDATE ON patient_allergies FOR EACH ROW
  INSERT INTO audit_logs (table_name, operation, row_id, db_user, app_user_id, old_values, new_values)
  VALUES ('patient_allergies', 'UPDATE', NEW.id, USER(), NULLIF(@dbintegrity_app_user_id, ''),
    JSON_OBJECT('id', OLD.id, 'patient_id', OLD.patient_id, 'medication_id', OLD.medication_id, 'allergen', OLD.allergen, 'allergy_type', OLD.allergy_type, 'severity', OLD.severity, 'reaction', OLD.reaction, 'noted_on', OLD.noted_on, 'created_at', OLD.created_at, 'updated_at', OLD.updated_at),
    JSON_OBJECT('id', NEW.id, 'patient_id', NEW.patient_id, 'medication_id', NEW.medication_id, 'allergen', NEW.allergen, 'allergy_type', NEW.allergy_type, 'severity', NEW.severity, 'reaction', NEW.reaction, 'noted_on', NEW.noted_on, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at));
CREATE TRIGGER patient_allergies_audit_delete AFTER DELETE ON patient_allergies FOR EACH ROW
  INSERT INTO audit_logs (table_name, operation, row_id, db_user, app_user_id, old_values, new_values)
  VALUES ('patient_allergies', 'DELETE', OLD.id, USER(), NULLIF(@dbintegrity_app_user_id, ''),
    JSON_OBJECT('id', OLD.id, 'patient_id', OLD.patient_id, 'medication_id', OLD.medication_id, 'allergen', OLD.allergen, 'allergy_type', OLD.allergy_type, 'severity', OLD.severity, 'reaction', OLD.reaction, 'noted_on', OLD.noted_on, 'created_at', OLD.created_at, 'updated_at', OLD.updated_at),
    NULL);
CREATE TRIGGER encounters_audit_insert AFTER INSERT ON encounters FOR EACH ROW
  INSERT INTO audit_logs (table_name, operation, row_id, db_user, app_user_id, old_values, new_values)
  VALUES ('encounters', 'INSERT', NEW.id, USER(), NULLIF(@dbintegrity_app_user_id, ''),
    NULL,
    JSON_OBJECT('id', NEW.id, 'patient_id', NEW.patient_id, 'doctor_id', NEW.doctor_id, 'department_id', NEW.department_id, 'appointment_id', NEW.appointment_id, 'encounter_type', NEW.encounter_type, 'status', NEW.status, 'start_time', NEW.start_time, 'end_time', NEW.end_time, 'chief_complaint', NEW.chief_complaint, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at));
CREATE TRIGGER encounters_audit_update AFTER UPDATE ON encounters FOR EACH ROW
  INSERT INTO audit_logs (table_name, operation, row_id, db_user, app_user_id, old_values, new_values)
  VALUES ('encounters', 'UPDATE', NEW.id, USER(), NULLIF(@dbintegrity_app_user_id, ''),
    JSON_OBJECT('id', OLD.id, 'patient_id', OLD.patient_id, 'doctor_id', OLD.doctor_id, 'department_id', OLD.department_id, 'appointment_id', OLD.appointment_id, 'encounter_type', OLD.encounter_type, 'status', OLD.status, 'start_time', OLD.start_time, 'end_time', OLD.end_time, 'chief_complaint', OLD.chief_complaint, 'created_at', OLD.created_at, 'updated_at', OLD.updated_at),
    JSON_OBJECT('id', NEW.id, 'patient_id', NEW.patient_id, 'doctor_id', NEW.doctor_id, 'department_id', NEW.department_id, 'appointment_id', NEW.appointment_id, 'encounter_type', NEW.encounter_type, 'status', NEW.status, 'start_time', NEW.start_time, 'end_time', NEW.end_time, 'chief_complaint', NEW.chief_complaint, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at));
CREATE TRIGGER encounters_audit_delete AFTER DELETE ON encounters FOR EACH ROW
  INSERT INTO audit_logs (table_name, operation, row_id, db_user, app_user_id, old_values, new_values)
  VALUES ('encounters', 'DELETE', OLD.id, USER(), NULLIF(@dbintegrity_app_user_id, ''),
    JSON_OBJECT('id', OLD.id, 'patient_id', OLD.patient_id, 'doctor_id', OLD.doctor_id, 'department_id', OLD.department_id, 'appointment_id', OLD.appointment_id, 'encounter_type', OLD.encounter_type, 'status', OLD.status, 'start_time', OLD.start_time, 'end_time', OLD.end_time, 'chief_complaint', OLD.chief_complaint, 'created_at', OLD.created_at, 'updated_at', OLD.updated_at),
    NULL);
CREATE TRIGGER vital_signs_audit_insert AFTER INSERT ON vital_signs FOR EACH ROW
  INSERT INTO audit_logs (table_name, operation, row_id, db_user, app_user_id, old_values, new_values)
  VALUES ('vital_signs', 'INSERT', NEW.id, USER(), NULLIF(@dbintegrity_app_user_id, ''),
    NULL,
    JSON_OBJECT('id', NEW.id, 'encounter_id', NEW.encounter_id, 'recorded_by_nurse_id', NEW.recorded_by_nurse_id, 'recorded_at', NEW.recorded_at, 'temperature_c', NEW.temperature_c, 'heart_rate', NEW.heart_rate, 'systolic_bp', NEW.systolic_bp, 'diastolic_bp', NEW.diastolic_bp, 'respiratory_rate', NEW.respiratory_rate, 'oxygen_saturation', NEW.oxygen_saturation, 'height_cm', NEW.height_cm, 'weight_kg', NEW.weight_kg, 'bmi', NEW.bmi, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at));
CREATE TRIGGER vital_signs_audit_update AFTER UPDATE ON vital_signs FOR EACH ROW
  INSERT INTO audit_logs (table_name, operation, row_id, db_user, app_user_id, old_values, new_values)
  VALUES ('vital_signs', 'UPDATE', NEW.id, USER(), NULLIF(@dbintegrity_app_user_id, ''),
    JSON_OBJECT('id', OLD.id, 'encounter_id', OLD.encounter_id, 'recorded_by_nurse_id', OLD.recorded_by_nurse_id, 'recorded_at', OLD.recorded_at, 'temperature_c', OLD.temperature_c, 'heart_rate', OLD.heart_rate, 'systolic_bp', OLD.systolic_bp, 'diastolic_bp', OLD.diastolic_bp, 'respiratory_rate', OLD.respiratory_rate, 'oxygen_saturation', OLD.oxygen_saturation, 'height_cm', OLD.height_cm, 'weight_kg', OLD.weight_kg, 'bmi', OLD.bmi, 'created_at', OLD.created_at, 'updated_at', OLD.updated_at),
    JSON_OBJECT('id', NEW.id, 'encounter_id', NEW.encounter_id, 'recorded_by_nurse_id', NEW.recorded_by_nurse_id, 'recorded_at', NEW.recorded_at, 'temperature_c', NEW.temperature_c, 'heart_rate', NEW.heart_rate, 'systolic_bp', NEW.systolic_bp, 'diastolic_bp', NEW.diastolic_bp, 'respiratory_rate', NEW.respiratory_rate, 'oxygen_saturation', NEW.oxygen_saturation, 'height_cm', NEW.height_cm, 'weight_kg', NEW.weight_kg, 'bmi', NEW.bmi, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at));
CREATE TRIGGER vital_signs_audit_delete AFTER DELETE ON vital_signs FOR EACH ROW
  INSERT INTO audit_logs (table_name, operation, row_id, db_user, app_user_id, old_values, new_values)
  VALUES ('vital_signs', 'DELETE', OLD.id, USER(), NULLIF(@dbintegrity_app_user_id, ''),
    JSON_OBJECT('id', OLD.id, 'encounter_id', OLD.encounter_id, 'recorded_by_nurse_id', OLD.recorded_by_nurse_id, 'recorded_at', OLD.recorded_at, 'temperature_c', OLD.temperature_c, 'heart_rate', OLD.heart_rate, 'systolic_bp', OLD.systolic_bp, 'diastolic_bp', OLD.diastolic_bp, 'respiratory_rate', OLD.respiratory_rate, 'oxygen_saturation', OLD.oxygen_saturation, 'height_cm', OLD.height_cm, 'weight_kg', OLD.weight_kg, 'bmi', OLD.bmi, 'created_at', OLD.created_at, 'updated_at', OLD.updated_at),
    NULL);
CREATE TRIGGER encounter_diagnoses_audit_insert AFTER INSERT ON encounter_diagnoses FOR EACH ROW
  INSERT INTO audit_logs (table_name, operation, row_id, db_user, app_user_id, old_values, new_values)
  VALUES ('encounter_diagnoses', 'INSERT', NEW.id, USER(), NULLIF(@dbintegrity_app_user_id, ''),
    NULL,
    JSON_OBJECT('id', NEW.id, 'encounter_id', NEW.encounter_id, 'icd10_code_id', NEW.icd10_code_id, 'diagnosis_type', NEW.diagnosis_type, 'diagnosed_at', NEW.diagnosed_at, 'notes', NEW.notes, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at));
CREATE TRIGGER encounter_diagnoses_audit_update AFTER UPDATE ON encounter_diagnoses FOR EACH ROW
  INSERT INTO audit_logs (table_name, operation, row_id, db_user, app_user_id, old_values, new_values)
  VALUES ('encounter_diagnoses', 'UPDATE', NEW.id, USER(), NULLIF(@dbintegrity_app_user_id, ''),
    JSON_OBJECT('id', OLD.id, 'encounter_id', OLD.encounter_id, 'icd10_code_id', OLD.icd10_code_id, 'diagnosis_type', OLD.diagnosis_type, 'diagnosed_at', OLD.diagnosed_at, 'notes', OLD.notes, 'created_at', OLD.created_at, 'updated_at', OLD.updated_at),
    JSON_OBJECT('id', NEW.id, 'encounter_id', NEW.encounter_id, 'icd10_code_id', NEW.icd10_code_id, 'diagnosis_type', NEW.diagnosis_type, 'diagnosed_at', NEW.diagnosed_at, 'notes', NEW.notes, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at));
CREATE TRIGGER encounter_diagnoses_audit_delete AFTER DELETE ON encounter_diagnoses FOR EACH ROW
  INSERT INTO audit_logs (table_name, operation, row_id, db_user, app_user_id, old_values, new_values)
  VALUES ('encounter_diagnoses', 'DELETE', OLD.id, USER(), NULLIF(@dbintegrity_app_user_id, ''),
    JSON_OBJECT('id', OLD.id, 'encounter_id', OLD.encounter_id, 'icd10_code_id', OLD.icd10_code_id, 'diagnosis_type', OLD.diagnosis_type, 'diagnosed_at', OLD.diagnosed_at, 'notes', OLD.notes, 'created_at', OLD.created_at, 'updated_at', OLD.updated_at),
    NULL);
CREATE TRIGGER clinical_notes_audit_insert AFTER INSERT ON clinical_notes FOR EACH ROW
  INSERT INTO audit_logs (table_name, operation, row_id, db_user, app_user_id, old_values, new_values)
  VALUES ('clinical_notes', 'INSERT', NEW.id, USER(), NULLIF(@dbintegrity_app_user_id, ''),
    NULL,
    JSON_OBJECT('id', NEW.id, 'encounter_id', NEW.encounter_id, 'author_user_id', NEW.author_user_id, 'note_type', NEW.note_type, 'body', NEW.body, 'signed_at', NEW.signed_at, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at));
CREATE TRIGGER clinical_notes_audit_update AFTER UPDATE ON clinical_notes FOR EACH ROW
  INSERT INTO audit_logs (table_name, operation, row_id, db_user, app_user_id, old_values, new_values)
  VALUES ('clinical_notes', 'UPDATE', NEW.id, USER(), NULLIF(@dbintegrity_app_user_id, ''),
    JSON_OBJECT('id', OLD.id, 'encounter_id', OLD.encounter_id, 'author_user_id', OLD.author_user_id, 'note_type', OLD.note_type, 'body', OLD.body, 'signed_at', OLD.signed_at, 'created_at', OLD.created_at, 'updated_at', OLD.updated_at),
    JSON_OBJECT('id', NEW.id, 'encounter_id', NEW.encounter_id, 'author_user_id', NEW.author_user_id, 'note_type', NEW.note_type, 'body', NEW.body, 'signed_at', NEW.signed_at, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at));
CREATE TRIGGER clinical_notes_audit_delete AFTER DELETE ON clinical_notes FOR EACH ROW
  INSERT INTO audit_logs (table_name, operation, row_id, db_user, app_user_id, old_values, new_values)
  VALUES ('clinical_notes', 'DELETE', OLD.id, USER(), NULLIF(@dbintegrity_app_user_id, ''),
    JSON_OBJECT('id', OLD.id, 'encounter_id', OLD.encounter_id, 'author_user_id', OLD.author_user_id, 'note_type', OLD.note_type, 'body', OLD.body, 'signed_at', OLD.signed_at, 'created_at', OLD.created_at, 'updated_at', OLD.updated_at),
    NULL);
CREATE TRIGGER lab_results_audit_insert AFTER INSERT ON lab_results FOR EACH ROW
  INSERT INTO audit_logs (table_name, operation, row_id, db_user, app_user_id, old_values, new_values)
  VALUES ('lab_results', 'INSERT', NEW.id, USER(), NULLIF(@dbintegrity_app_user_id, ''),
    NULL,
    JSON_OBJECT('id', NEW.id, 'lab_order_id', NEW.lab_order_id, 'verified_by_user_id', NEW.verified_by_user_id, 'result_value', NEW.result_value, 'result_text', NEW.result_text, 'abnormal_flag', NEW.abnormal_flag, 'resulted_at', NEW.resulted_at, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at));
CREATE TRIGGER lab_results_audit_update AFTER UPDATE ON lab_results FOR EACH ROW
  INSERT INTO audit_logs (table_name, operation, row_id, db_user, app_user_id, old_values, new_values)
  VALUES ('lab_results', 'UPDATE', NEW.id, USER(), NULLIF(@dbintegrity_app_user_id, ''),
    JSON_OBJECT('id', OLD.id, 'lab_order_id', OLD.lab_order_id, 'verified_by_user_id', OLD.verified_by_user_id, 'result_value', OLD.result_value, 'result_text', OLD.result_text, 'abnormal_flag', OLD.abnormal_flag, 'resulted_at', OLD.resulted_at, 'created_at', OLD.created_at, 'updated_at', OLD.updated_at),
    JSON_OBJECT('id', NEW.id, 'lab_order_id', NEW.lab_order_id, 'verified_by_user_id', NEW.verified_by_user_id, 'result_value', NEW.result_value, 'result_text', NEW.result_text, 'abnormal_flag', NEW.abnormal_flag, 'resulted_at', NEW.resulted_at, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at));
CREATE TRIGGER lab_results_audit_delete AFTER DELETE ON lab_results FOR EACH ROW
  INSERT INTO audit_logs (table_name, operation, row_id, db_user, app_user_id, old_values, new_values)
  VALUES ('lab_results', 'DELETE', OLD.id, USER(), NULLIF(@dbintegrity_app_user_id, ''),
    JSON_OBJECT('id', OLD.id, 'lab_order_id', OLD.lab_order_id, 'verified_by_user_id', OLD.verified_by_user_id, 'result_value', OLD.result_value, 'result_text', OLD.result_text, 'abnormal_flag', OLD.abnormal_flag, 'resulted_at', OLD.resulted_at, 'created_at', OLD.created_at, 'updated_at', OLD.updated_at),
    NULL);
CREATE TRIGGER prescriptions_audit_insert AFTER INSERT ON prescriptions FOR EACH ROW
  INSERT INTO audit_logs (table_name, operation, row_id, db_user, app_user_id, old_values, new_values)
  VALUES ('prescriptions', 'INSERT', NEW.id, USER(), NULLIF(@dbintegrity_app_user_id, ''),
    NULL,
    JSON_OBJECT('id', NEW.id, 'patient_id', NEW.patient_id, 'doctor_id', NEW.doctor_id, 'encounter_id', NEW.encounter_id, 'prescribed_at', NEW.prescribed_at, 'status', NEW.status, 'start_date', NEW.start_date, 'end_date', NEW.end_date, 'notes', NEW.notes, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at));
CREATE TRIGGER prescriptions_audit_update AFTER UPDATE ON prescriptions FOR EACH ROW
  INSERT INTO audit_logs (table_name, operation, row_id, db_user, app_user_id, old_values, new_values)
  VALUES ('prescriptions', 'UPDATE', NEW.id, USER(), NULLIF(@dbintegrity_app_user_id, ''),
    JSON_OBJECT('id', OLD.id, 'patient_id', OLD.patient_id, 'doctor_id', OLD.doctor_id, 'encounter_id', OLD.encounter_id, 'prescribed_at', OLD.prescribed_at, 'status', OLD.status, 'start_date', OLD.start_date, 'end_date', OLD.end_date, 'notes', OLD.notes, 'created_at', OLD.created_at, 'updated_at', OLD.updated_at),
    JSON_OBJECT('id', NEW.id, 'patient_id', NEW.patient_id, 'doctor_id', NEW.doctor_id, 'encounter_id', NEW.encounter_id, 'prescribed_at', NEW.prescribed_at, 'status', NEW.status, 'start_date', NEW.start_date, 'end_date', NEW.end_date, 'notes', NEW.notes, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at));
CREATE TRIGGER prescriptions_audit_delete AFTER DELETE ON prescriptions FOR EACH ROW
  INSERT INTO audit_logs (table_name, operation, row_id, db_user, app_user_id, old_values, new_values)
  VALUES ('prescriptions', 'DELETE', OLD.id, USER(), NULLIF(@dbintegrity_app_user_id, ''),
    JSON_OBJECT('id', OLD.id, 'patient_id', OLD.patient_id, 'doctor_id', OLD.doctor_id, 'encounter_id', OLD.encounter_id, 'prescribed_at', OLD.prescribed_at, 'status', OLD.status, 'start_date', OLD.start_date, 'end_date', OLD.end_date, 'notes', OLD.notes, 'created_at', OLD.created_at, 'updated_at', OLD.updated_at),
    NULL);
