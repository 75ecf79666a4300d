-- healthcare_mgmt pack, PostgreSQL dialect: role-based data access.
--
-- The seed's "Role-Based Data Access" (admin, doctor, nurse, patient, finance) as database roles,
-- exactly as ../privileges.yml states it (that file is the reviewed matrix; tests/rules/test_access.py
-- proves every allowed operation succeeds and every other one fails with a permission error).  The
-- GRANT statements are the same as in ../mysql/03_roles.sql; the grants on audit_log are in
-- 04_audit.sql, which creates that table.
--
-- Roles are cluster-wide while this pack is loaded into many databases (template, its copies, other
-- runs on a shared server): the DO block creates each role only if it is missing, and tolerates a
-- concurrent load creating it first; every GRANT and policy belongs to the current database, and
-- CREATE DATABASE ... TEMPLATE copies them.  The hm_ prefix keeps the seed's names apart from anything
-- else on a shared server.  The roles are NOLOGIN: an application logs in as its own role that is a
-- member of one of them (or a session does SET ROLE hm_doctor).
--
-- Soft deletes ("used for patient and user records"): no role but hm_admin has DELETE on patients or
-- users; a doctor retires a patient by setting patients.status.
--
-- Row-level security: "assigned patients" (doctor, nurse) and "own records only" (patient) are
-- policies on patients and on every table that holds a patient's rows (patient_id).  The application
-- names its user per connection in the setting dbintegrity.app_user_id (a users.id); a row-limited
-- role sees and writes only the rows of patients in that user's scope, and nothing at all unless
-- the user exists, is active and has the role's label in users.role:
--   doctor   patients.primary_doctor_id is the user
--   nurse    the patient's primary doctor works in the user's department (users.department); the
--            schema records no nurse assignment, and this is the closest one it has
--   patient  patients.user_id is the user
-- hm_admin and hm_finance see every row (their grants still limit tables and columns).  The setting
-- is trusted as the application's word, like the connection itself: a client that can log in as a
-- member of these roles can also change the setting, so these roles are for the application's
-- connections, not for end users' own database logins.
-- The scope checks are SECURITY DEFINER functions (they read users and patients whatever the caller
-- may read) with search_path pinned to this schema, then pg_temp, so a caller's temporary objects
-- cannot stand in for ours; only the row-limited roles may execute them.

DO $$
DECLARE
    r text;
BEGIN
    FOREACH r IN ARRAY ARRAY['hm_admin', 'hm_doctor', 'hm_nurse', 'hm_patient', 'hm_finance'] LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
            BEGIN
                EXECUTE format('CREATE ROLE %I NOLOGIN', r);
            EXCEPTION WHEN duplicate_object OR unique_violation THEN
                NULL;  -- created meanwhile by a concurrent load of the pack
            END;
        END IF;
    END LOOP;
END
$$;

-- hm_admin: full access to all tables.
GRANT SELECT, INSERT, UPDATE, DELETE ON users TO hm_admin;
GRANT SELECT, INSERT, UPDATE, DELETE ON patients TO hm_admin;
GRANT SELECT, INSERT, UPDATE, DELETE ON appointments TO hm_admin;
GRANT SELECT, INSERT, UPDATE, DELETE ON visits TO hm_admin;
GRANT SELECT, INSERT, UPDATE, DELETE ON medical_conditions TO hm_admin;
GRANT SELECT, INSERT, UPDATE, DELETE ON prescriptions TO hm_admin;
GRANT SELECT, INSERT, UPDATE, DELETE ON vitals TO hm_admin;
GRANT SELECT, INSERT, UPDATE, DELETE ON lab_results TO hm_admin;
GRANT SELECT, INSERT, UPDATE, DELETE ON billing TO hm_admin;
GRANT SELECT, INSERT, UPDATE, DELETE ON insurance TO hm_admin;
GRANT SELECT, INSERT, UPDATE, DELETE ON security_logs TO hm_admin;
GRANT SELECT, INSERT, UPDATE, DELETE ON user_sessions TO hm_admin;

-- hm_doctor: assigned patients' data; creates/modifies appointments, visits, prescriptions, lab
-- orders (and diagnoses, vitals); reads billing and insurance; the staff directory without hashes.
-- On patients, every column but the key, the portal account (user_id: relinking it would show the
-- records to another user), the assignment (primary_doctor_id) and the timestamps.
GRANT SELECT (id, email, name, role, avatar, department, specialization, phone, status, last_login,
              created_at, updated_at) ON users TO hm_doctor;
GRANT SELECT, UPDATE (first_name, last_name, date_of_birth, gender, phone, email, address, city, state,
                      zip_code, country, emergency_contact_name, emergency_contact_phone,
                      emergency_contact_relationship, blood_type, allergies, chronic_conditions,
                      current_medications, status) ON patients TO hm_doctor;
GRANT SELECT, INSERT, UPDATE ON appointments TO hm_doctor;
GRANT SELECT, INSERT, UPDATE ON visits TO hm_doctor;
GRANT SELECT, INSERT, UPDATE ON medical_conditions TO hm_doctor;
GRANT SELECT, INSERT, UPDATE ON prescriptions TO hm_doctor;
GRANT SELECT, INSERT, UPDATE ON vitals TO hm_doctor;
GRANT SELECT, INSERT, UPDATE ON lab_results TO hm_doctor;
GRANT SELECT ON billing TO hm_doctor;
GRANT SELECT ON insurance TO hm_doctor;

-- hm_nurse: assigned patients' data; creates/modifies vitals and the visit notes; views the rest.
GRANT SELECT (id, email, name, role, avatar, department, specialization, phone, status, last_login,
              created_at, updated_at) ON users TO hm_nurse;
GRANT SELECT ON patients TO hm_nurse;
GRANT SELECT ON appointments TO hm_nurse;
GRANT SELECT, UPDATE (notes) ON visits TO hm_nurse;
GRANT SELECT ON medical_conditions TO hm_nurse;
GRANT SELECT ON prescriptions TO hm_nurse;
GRANT SELECT, INSERT, UPDATE ON vitals TO hm_nurse;
GRANT SELECT ON lab_results TO hm_nurse;

-- hm_patient: views own appointments, visits, prescriptions, lab results, billing; modifies nothing.
GRANT SELECT ON patients TO hm_patient;
GRANT SELECT ON appointments TO hm_patient;
GRANT SELECT ON visits TO hm_patient;
GRANT SELECT ON prescriptions TO hm_patient;
GRANT SELECT ON lab_results TO hm_patient;
GRANT SELECT ON billing TO hm_patient;

-- hm_finance: billing and insurance in full; patient demographics read-only; the when and what of
-- appointments and visits, never their clinical content.
GRANT SELECT, INSERT, UPDATE, DELETE ON billing TO hm_finance;
GRANT SELECT, INSERT, UPDATE, DELETE ON insurance TO hm_finance;
GRANT SELECT (id, first_name, last_name, date_of_birth, gender, phone, email, address, city, state,
              zip_code, country, status) ON patients TO hm_finance;
GRANT SELECT (id, patient_id, doctor_id, appointment_date, appointment_time, appointment_type,
              status) ON appointments TO hm_finance;
GRANT SELECT (id, patient_id, doctor_id, appointment_id, visit_date, visit_time, visit_type,
              status) ON visits TO hm_finance;

-- ---------------------------------------------------------------------------------------------
-- Row-level security
-- ---------------------------------------------------------------------------------------------
-- The application's user for this connection: NULL when the setting is absent or empty.
CREATE FUNCTION hm_app_user_id() RETURNS varchar
LANGUAGE sql STABLE AS $$
    SELECT nullif(current_setting('dbintegrity.app_user_id', true), '')::varchar
$$;

-- Is a patient with this primary doctor and this portal account in the scope of the application's
-- user, acting in app role p_app_role?  Takes the patient's columns, not its id, so that a policy's
-- WITH CHECK judges the row being written, not the version the statement started from.
CREATE FUNCTION hm_in_scope(p_primary_doctor_id varchar, p_user_id varchar, p_app_role text) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER AS $$
    SELECT EXISTS (
        SELECT 1 FROM users me
        WHERE me.id = hm_app_user_id() AND me.status = 'active' AND me.role::text = p_app_role
          AND CASE p_app_role
                  WHEN 'doctor' THEN p_primary_doctor_id = me.id
                  WHEN 'nurse' THEN EXISTS (SELECT 1 FROM users d
                                            WHERE d.id = p_primary_doctor_id AND d.department = me.department)
                  WHEN 'patient' THEN p_user_id = me.id
                  ELSE false
              END)
$$;

-- The same for a row of another table, through its patient_id.
CREATE FUNCTION hm_patient_in_scope(p_patient_id varchar, p_app_role text) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER AS $$
    SELECT EXISTS (SELECT 1 FROM patients p
                   WHERE p.id = p_patient_id AND hm_in_scope(p.primary_doctor_id, p.user_id, p_app_role))
$$;

DO $$
BEGIN
    -- Pinned to the schema the pack is loaded into, whatever it is called, and pg_temp last.
    EXECUTE format('ALTER FUNCTION hm_in_scope(varchar, varchar, text) SET search_path = %I, pg_temp',
                   current_schema());
    EXECUTE format('ALTER FUNCTION hm_patient_in_scope(varchar, text) SET search_path = %I, pg_temp',
                   current_schema());
END
$$;
REVOKE EXECUTE ON FUNCTION hm_in_scope(varchar, varchar, text), hm_patient_in_scope(varchar, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION hm_in_scope(varchar, varchar, text), hm_patient_in_scope(varchar, text)
    TO hm_doctor, hm_nurse, hm_patient;

-- One policy per (table, role that has privileges on it); FOR SELECT where the role only reads.
-- patients
ALTER TABLE patients ENABLE ROW LEVEL SECURITY;
CREATE POLICY patients_hm_admin ON patients TO hm_admin
  USING (true)
  WITH CHECK (true);
CREATE POLICY patients_hm_doctor ON patients TO hm_doctor
  USING (hm_in_scope(primary_doctor_id, user_id, 'doctor'))
  WITH CHECK (hm_in_scope(primary_doctor_id, user_id, 'doctor'));
CREATE POLICY patients_hm_nurse ON patients FOR SELECT TO hm_nurse
  USING (hm_in_scope(primary_doctor_id, user_id, 'nurse'));
CREATE POLICY patients_hm_patient ON patients FOR SELECT TO hm_patient
  USING (hm_in_scope(primary_doctor_id, user_id, 'patient'));
CREATE POLICY patients_hm_finance ON patients FOR SELECT TO hm_finance
  USING (true);

-- appointments
ALTER TABLE appointments ENABLE ROW LEVEL SECURITY;
CREATE POLICY appointments_hm_admin ON appointments TO hm_admin
  USING (true)
  WITH CHECK (true);
CREATE POLICY appointments_hm_doctor ON appointments TO hm_doctor
  USING (hm_patient_in_scope(patient_id, 'doctor'))
  WITH CHECK (hm_patient_in_scope(patient_id, 'doctor'));
CREATE POLICY appointments_hm_nurse ON appointments FOR SELECT TO hm_nurse
  USING (hm_patient_in_scope(patient_id, 'nurse'));
CREATE POLICY appointments_hm_patient ON appointments FOR SELECT TO hm_patient
  USING (hm_patient_in_scope(patient_id, 'patient'));
CREATE POLICY appointments_hm_finance ON appointments FOR SELECT TO hm_finance
  USING (true);

-- visits
ALTER TABLE visits ENABLE ROW LEVEL SECURITY;
CREATE POLICY visits_hm_admin ON visits TO hm_admin
  USING (true)
  WITH CHECK (true);
CREATE POLICY visits_hm_doctor ON visits TO hm_doctor
  USING (hm_patient_in_scope(patient_id, 'doctor'))
  WITH CHECK (hm_patient_in_scope(patient_id, 'doctor'));
CREATE POLICY visits_hm_nurse ON visits TO hm_nurse
  USING (hm_patient_in_scope(patient_id, 'nurse'))
  WITH CHECK (hm_patient_in_scope(patient_id, 'nurse'));
CREATE POLICY visits_hm_patient ON visits FOR SELECT TO hm_patient
  USING (hm_patient_in_scope(patient_id, 'patient'));
CREATE POLICY visits_hm_finance ON visits FOR SELECT TO hm_finance
  USING (true);

-- medical_conditions
ALTER TABLE medical_conditions ENABLE ROW LEVEL SECURITY;
CREATE POLICY medical_conditions_hm_admin ON medical_conditions TO hm_admin
  USING (true)
  WITH CHECK (true);
CREATE POLICY medical_conditions_hm_doctor ON medical_conditions TO hm_doctor
  USING (hm_patient_in_scope(patient_id, 'doctor'))
  WITH CHECK (hm_patient_in_scope(patient_id, 'doctor'));
CREATE POLICY medical_conditions_hm_nurse ON medical_conditions FOR SELECT TO hm_nurse
  USING (hm_patient_in_scope(patient_id, 'nurse'));

-- prescriptions
ALTER TABLE prescriptions ENABLE ROW LEVEL SECURITY;
CREATE POLICY prescriptions_hm_admin ON prescriptions TO hm_admin
  USING (true)
  WITH CHECK (true);
CREATE POLICY prescriptions_hm_doctor ON prescriptions TO hm_doctor
  USING (hm_patient_in_scope(patient_id, 'doctor'))
  WITH CHECK (hm_patient_in_scope(patient_id, 'doctor'));
CREATE POLICY prescriptions_hm_nurse ON prescriptions FOR SELECT TO hm_nurse
  USING (hm_patient_in_scope(patient_id, 'nurse'));
CREATE POLICY prescriptions_hm_patient ON prescriptions FOR SELECT TO hm_patient
  USING (hm_patient_in_scope(patient_id, 'patient'));

-- vitals
ALTER TABLE vitals ENABLE ROW LEVEL SECURITY;
CREATE POLICY vitals_hm_admin ON vitals TO hm_admin
  USING (true)
  WITH CHECK (true);
CREATE POLICY vitals_hm_doctor ON vitals TO hm_doctor
  USING (hm_patient_in_scope(patient_id, 'doctor'))
  WITH CHECK (hm_patient_in_scope(patient_id, 'doctor'));
CREATE POLICY vitals_hm_nurse ON vitals TO hm_nurse
  USING (hm_patient_in_scope(patient_id, 'nurse'))
  WITH CHECK (hm_patient_in_scope(patient_id, 'nurse'));

-- lab_results
ALTER TABLE lab_results ENABLE ROW LEVEL SECURITY;
CREATE POLICY lab_results_hm_admin ON lab_results TO hm_admin
  USING (true)
  WITH CHECK (true);
CREATE POLICY lab_results_hm_doctor ON lab_results TO hm_doctor
  USING (hm_patient_in_scope(patient_id, 'doctor'))
  WITH CHECK (hm_patient_in_scope(patient_id, 'doctor'));
CREATE POLICY lab_results_hm_nurse ON lab_results FOR SELECT TO hm_nurse
  USING (hm_patient_in_scope(patient_id, 'nurse'));
CREATE POLICY lab_results_hm_patient ON lab_results FOR SELECT TO hm_patient
  USING (hm_patient_in_scope(patient_id, 'patient'));

-- billing
ALTER TABLE billing ENABLE ROW LEVEL SECURITY;
CREATE POLICY billing_hm_admin ON billing TO hm_admin
  USING (true)
  WITH CHECK (true);
CREATE POLICY billing_hm_doctor ON billing FOR SELECT TO hm_doctor
  USING (hm_patient_in_scope(patient_id, 'doctor'));
CREATE POLICY billing_hm_patient ON billing FOR SELECT TO hm_patient
  USING (hm_patient_in_scope(patient_id, 'patient'));
CREATE POLICY billing_hm_finance ON billing TO hm_finance
  USING (true)
  WITH CHECK (true);

-- insurance
ALTER TABLE insurance ENABLE ROW LEVEL SECURITY;
CREATE POLICY insurance_hm_admin ON insurance TO hm_admin
  USING (true)
  WITH CHECK (true);
CREATE POLICY insurance_hm_doctor ON insurance FOR SELECT TO hm_doctor
  USING (hm_patient_in_scope(patient_id, 'doctor'));
CREATE POLICY insurance_hm_finance ON insurance TO hm_finance
  USING (true)
  WITH CHECK (true);
