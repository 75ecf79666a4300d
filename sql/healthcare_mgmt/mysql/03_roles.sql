-- healthcare_mgmt pack, MySQL dialect: role-based data access.
--
-- The seed's "Role-Based Data Access" (admin, doctor, nurse, patient, finance) as database roles,
-- exactly as ../privileges.yml states it (that file is the reviewed matrix; tests/rules/test_access.py
-- proves every allowed operation succeeds and every other one fails with a permission error).
-- The grants on audit_log are in 04_audit.sql, which creates that table.
--
-- Roles are server-wide while this pack is loaded into many databases (template, copies, other runs
-- on a shared server): CREATE ROLE IF NOT EXISTS makes loading idempotent, and every GRANT names a
-- table of the current database only, so each database carries its own grants.  The hm_ prefix keeps
-- the seed's names apart from anything else on a shared server.  A MySQL role is a locked account
-- (no login); an application logs in as its own account granted the role
-- (GRANT hm_doctor TO app@host; SET DEFAULT ROLE hm_doctor TO app@host).
--
-- Soft deletes ("used for patient and user records"): no role but hm_admin has DELETE on patients or
-- users; a doctor retires a patient by setting patients.status.
--
-- Row-level limits ("assigned patients", "own records only") are NOT enforced here: MySQL has no
-- row-level security (capability row_level_security = false).  The only row filter MySQL offers is a
-- view, and a view restricts a role only if the role loses its privileges on the base table, which
-- would give this dialect a different grant matrix from ../privileges.yml and from PostgreSQL (and a
-- view cannot read the per-connection @dbintegrity_app_user_id directly, ER_VIEW_SELECT_VARIABLE,
-- only through a stored function).  So on MySQL the application must apply the row limits; the
-- PostgreSQL dialect enforces them with policies (postgres/03_roles.sql).

CREATE ROLE IF NOT EXISTS hm_admin, hm_doctor, hm_nurse, hm_patient, hm_finance;

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
