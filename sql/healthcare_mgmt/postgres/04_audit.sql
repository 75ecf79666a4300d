-- healthcare_mgmt pack, PostgreSQL dialect: the audit trail.
--
-- Same table, same rule and same trigger names as ../mysql/04_audit.sql (read its header for the
-- why: a table of its own rather than security_logs, who/what/which/when/values).  Every INSERT,
-- UPDATE and DELETE on patients, visits, medical_conditions, prescriptions, vitals, lab_results,
-- billing and insurance writes one row here from an AFTER row trigger:
--   db_user      the role the session acts as: the role of SET ROLE if one is set, else the
--                session's login (inside a SECURITY DEFINER function current_user is the owner, so
--                the `role` setting and session_user are what name the caller)
--   app_user_id  the setting dbintegrity.app_user_id (the application's users.id), NULL if unset
--   old_values / new_values  to_jsonb of the row before / after
--
-- The trigger function is SECURITY DEFINER (it runs as the pack's owner, who may write audit_log)
-- with search_path pinned to this schema and pg_temp last, so the roles' own writes are audited
-- although no role may INSERT into audit_log; trigger functions cannot be called directly, so no
-- role can use it to forge a record.  Only hm_admin may UPDATE or DELETE records.
--
-- Unlike MySQL, rows changed by foreign-key actions (ON DELETE CASCADE / SET NULL) are audited too:
-- PostgreSQL runs those actions as SQL that fires the child's triggers.

-- MySQL's ENUM('INSERT', 'UPDATE', 'DELETE') NOT NULL: its implicit default is the first label.
CREATE TYPE audit_log_operation AS ENUM ('INSERT', 'UPDATE', 'DELETE');

CREATE TABLE audit_log (
  id bigserial PRIMARY KEY,
  table_name varchar(64) NOT NULL,
  operation audit_log_operation NOT NULL DEFAULT 'INSERT',  -- MySQL's implicit default: first label
  row_id varchar(36) NOT NULL,
  db_user varchar(288) NOT NULL,
  app_user_id varchar(36),
  changed_at timestamptz(0) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  old_values jsonb,
  new_values jsonb
);
CREATE INDEX audit_log_idx_row ON audit_log (table_name, row_id);
CREATE INDEX audit_log_idx_changed_at ON audit_log (changed_at);
CREATE INDEX audit_log_idx_app_user ON audit_log (app_user_id);

GRANT SELECT, UPDATE, DELETE ON audit_log TO hm_admin;

CREATE FUNCTION hm_audit_row() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER AS $$
DECLARE
    old_row jsonb := CASE WHEN TG_OP IN ('UPDATE', 'DELETE') THEN to_jsonb(OLD) END;
    new_row jsonb := CASE WHEN TG_OP IN ('INSERT', 'UPDATE') THEN to_jsonb(NEW) END;
BEGIN
    INSERT INTO audit_log (table_name, operation, row_id, db_user, app_user_id, old_values, new_values)
    VALUES (TG_TABLE_NAME, TG_OP::audit_log_operation, coalesce(new_row, old_row) ->> 'id',
            coalesce(nullif(current_setting('role'), 'none'), session_user),
            nullif(current_setting('dbintegrity.app_user_id', true), ''), old_row, new_row);
    RETURN NULL;
END
$$;
DO $$
BEGIN
    EXECUTE format('ALTER FUNCTION hm_audit_row() SET search_path = %I, pg_temp', current_schema());
END
$$;
REVOKE EXECUTE ON FUNCTION hm_audit_row() FROM PUBLIC;

-- patients
CREATE TRIGGER patients_audit_insert AFTER INSERT ON patients FOR EACH ROW EXECUTE FUNCTION hm_audit_row();
CREATE TRIGGER patients_audit_update AFTER UPDATE ON patients FOR EACH ROW EXECUTE FUNCTION hm_audit_row();
CREATE TRIGGER patients_audit_delete AFTER DELETE ON patients FOR EACH ROW EXECUTE FUNCTION hm_audit_row();

-- visits
CREATE TRIGGER visits_audit_insert AFTER INSERT ON visits FOR EACH ROW EXECUTE FUNCTION hm_audit_row();
CREATE TRIGGER visits_audit_update AFTER UPDATE ON visits FOR EACH ROW EXECUTE FUNCTION hm_audit_row();
CREATE TRIGGER visits_audit_delete AFTER DELETE ON visits FOR EACH ROW EXECUTE FUNCTION hm_audit_row();

-- medical_conditions
CREATE TRIGGER medical_conditions_audit_insert AFTER INSERT ON medical_conditions FOR EACH ROW EXECUTE FUNCTION hm_audit_row();
CREATE TRIGGER medical_conditions_audit_update AFTER UPDATE ON medical_conditions FOR EACH ROW EXECUTE FUNCTION hm_audit_row();
CREATE TRIGGER medical_conditions_audit_delete AFTER DELETE ON medical_conditions FOR EACH ROW EXECUTE FUNCTION hm_audit_row();

-- prescriptions
CREATE TRIGGER prescriptions_audit_insert AFTER INSERT ON prescriptions FOR EACH ROW EXECUTE FUNCTION hm_audit_row();
CREATE TRIGGER prescriptions_audit_update AFTER UPDATE ON prescriptions FOR EACH ROW EXECUTE FUNCTION hm_audit_row();
CREATE TRIGGER prescriptions_audit_delete AFTER DELETE ON prescriptions FOR EACH ROW EXECUTE FUNCTION hm_audit_row();

-- vitals
CREATE TRIGGER vitals_audit_insert AFTER INSERT ON vitals FOR EACH ROW EXECUTE FUNCTION hm_audit_row();
CREATE TRIGGER vitals_audit_update AFTER UPDATE ON vitals FOR EACH ROW EXECUTE FUNCTION hm_audit_row();
CREATE TRIGGER vitals_audit_delete AFTER DELETE ON vitals FOR EACH ROW EXECUTE FUNCTION hm_audit_row();

-- lab_results
CREATE TRIGGER lab_results_audit_insert AFTER INSERT ON lab_results FOR EACH ROW EXECUTE FUNCTION hm_audit_row();
CREATE TRIGGER lab_results_audit_update AFTER UPDATE ON lab_results FOR EACH ROW EXECUTE FUNCTION hm_audit_row();
CREATE TRIGGER lab_results_audit_delete AFTER DELETE ON lab_results FOR EACH ROW EXECUTE FUNCTION hm_audit_row();

-- billing
CREATE TRIGGER billing_audit_insert AFTER INSERT ON billing FOR EACH ROW EXECUTE FUNCTION hm_audit_row();
CREATE TRIGGER billing_audit_update AFTER UPDATE ON billing FOR EACH ROW EXECUTE FUNCTION hm_audit_row();
CREATE TRIGGER billing_audit_delete AFTER DELETE ON billing FOR EACH ROW EXECUTE FUNCTION hm_audit_row();

-- insurance
CREATE TRIGGER insurance_audit_insert AFTER INSERT ON insurance FOR EACH ROW EXECUTE FUNCTION hm_audit_row();
CREATE TRIGGER insurance_audit_update AFTER UPDATE ON insurance FOR EACH ROW EXECUTE FUNCTION hm_audit_row();
CREATE TRIGGER insurance_audit_delete AFTER DELETE ON insurance FOR EACH ROW EXECUTE FUNCTION hm_audit_row();
