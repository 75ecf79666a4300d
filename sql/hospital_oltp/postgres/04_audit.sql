-- hospital_oltp pack, PostgreSQL dialect: the audit trail, as ../mysql/04_audit.sql (same trigger names, AFTER,
-- one event each).  Unlike MySQL, rows changed by foreign-key actions are audited too.

CREATE FUNCTION oltp_audit_row() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    old_row jsonb := CASE WHEN TG_OP IN ('UPDATE', 'DELETE') THEN to_jsonb(OLD) END;
    new_row jsonb := CASE WHEN TG_OP IN ('INSERT', 'UPDATE') THEN to_jsonb(NEW) END;
BEGIN
    INSERT INTO audit_logs (table_name, operation, row_id, db_user, app_user_id, old_values, new_values)
    VALUES (TG_TABLE_NAME, TG_OP::audit_logs_operation, (coalesce(new_row, old_row) ->> 'id')::bigint,
            coalesce(nullif(current_setting('role'), 'none'), session_user),
            nullif(current_setting('dbintegrity.app_user_id', true), '')::integer, old_row, new_row);
    RETURN NULL;
END
$$;

CREATE TRIGGER patients_audit_insert AFTER INSERT ON patients FOR EACH ROW EXECUTE FUNCTION oltp_audit_row();
CREATE TRIGGER patients_audit_update AFTER UPDATE ON patients FOR EACH ROW EXECUTE FUNCTION oltp_audit_row();
CREATE TRIGGER patients_audit_delete AFTER DELETE ON patients FOR EACH ROW EXECUTE FUNCTION oltp_audit_row();
CREATE TRIGGER patient_addresses_audit_insert AFTER INSERT ON patient_addresses FOR EACH ROW EXECUTE FUNCTION oltp_audit_row();
CREATE TRIGGER patient_addresses_audit_update AFTER UPDATE ON patient_addresses FOR EACH ROW EXECUTE FUNCTION oltp_audit_row();
CREATE TRIGGER patient_addresses_audit_delete AFTER DELETE ON patient_addresses FOR EACH ROW EXECUTE FUNCTION oltp_audit_row();
CREATE TRIGGER patient_emergency_contacts_audit_insert AFTER INSERT ON patient_emergency_contacts FOR EACH ROW EXECUTE FUNCTION oltp_audit_row();
CREATE TRIGGER patient_emergency_contacts_audit_update AFTER UPDATE ON patient_emergency_contacts FOR EACH ROW EXECUTE FUNCTION oltp_audit_row();
CREATE TRIGGER patient_emergency_contacts_audit_delete AFTER DELETE ON patient_emergency_contacts FOR EACH ROW EXECUTE FUNCTION oltp_audit_row();
CREATE TRIGGER patient_allergies_audit_insert AFTER INSERT ON patient_allergies FOR EACH ROW EXECUTE FUNCTION oltp_audit_row();
CREATE TRIGGER patient_allergies_audit_update AFTER UPDATE ON patient_allergies FOR EACH ROW EXECUTE FUNCTION oltp_audit_row();
CREATE TRIGGER patient_allergies_audit_delete AFTER DELETE ON patient_allergies FOR EACH ROW EXECUTE FUNCTION oltp_audit_row();
CREATE TRIGGER encounters_audit_insert AFTER INSERT ON encounters FOR EACH ROW EXECUTE FUNCTION oltp_audit_row();
CREATE TRIGGER encounters_audit_update AFTER UPDATE ON encounters FOR EACH ROW EXECUTE FUNCTION oltp_audit_row();
CREATE TRIGGER encounters_audit_delete AFTER DELETE ON encounters FOR EACH ROW EXECUTE FUNCTION oltp_audit_row();
CREATE TRIGGER vital_signs_audit_insert AFTER INSERT ON vital_signs FOR EACH ROW EXECUTE FUNCTION oltp_audit_row();
CREATE TRIGGER vital_signs_audit_update AFTER UPDATE ON vital_signs FOR EACH ROW EXECUTE FUNCTION oltp_audit_row();
CREATE TRIGGER vital_signs_audit_delete AFTER DELETE ON vital_signs FOR EACH ROW EXECUTE FUNCTION oltp_audit_row();
CREATE TRIGGER encounter_diagnoses_audit_insert AFTER INSERT ON encounter_diagnoses FOR EACH ROW EXECUTE FUNCTION oltp_audit_row();
CREATE TRIGGER encounter_diagnoses_audit_update AFTER UPDATE ON encounter_diagnoses FOR EACH ROW EXECUTE FUNCTION oltp_audit_row();
CREATE TRIGGER encounter_diagnoses_audit_delete AFTER DELETE ON encounter_diagnoses FOR EACH ROW EXECUTE FUNCTION oltp_audit_row();
CREATE TRIGGER clinical_notes_audit_insert AFTER INSERT ON clinical_notes FOR EACH ROW EXECUTE FUNCTION oltp_audit_row();
CREATE TRIGGER clinical_notes_audit_update AFTER UPDATE ON clinical_notes FOR EACH ROW EXECUTE FUNCTION oltp_audit_row();
CREATE TRIGGER clinical_notes_audit_delete AFTER DELETE ON clinical_notes FOR EACH ROW EXECUTE FUNCTION oltp_audit_row();
CREATE TRIGGER lab_results_audit_insert AFTER INSERT ON lab_results FOR EACH ROW EXECUTE FUNCTION oltp_audit_row();
CREATE TRIGGER lab_results_audit_update AFTER UPDATE ON lab_results FOR EACH ROW EXECUTE FUNCTION oltp_audit_row();
CREATE TRIGGER lab_results_audit_delete AFTER DELETE ON lab_results FOR EACH ROW EXECUTE FUNCTION oltp_audit_row();
CREATE TRIGGER prescriptions_audit_insert AFTER INSERT ON prescriptions FOR EACH ROW EXECUTE FUNCTION oltp_audit_row();
CREATE TRIGGER prescriptions_audit_update AFTER UPDATE ON prescriptions FOR EACH ROW EXECUTE FUNCTION oltp_audit_row();
CREATE TRIGGER prescriptions_audit_delete AFTER DELETE ON prescriptions FOR EACH ROW EXECUTE FUNCTION oltp_audit_row();
