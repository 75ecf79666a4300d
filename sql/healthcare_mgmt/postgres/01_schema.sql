-- healthcare_mgmt pack, PostgreSQL dialect (PostgreSQL 15 and newer).
--
-- The 12 core tables of "the Healthcare Management System" database schema, taken from the
-- seed shared/seeds/004_2cfaa6fdadd22619.txt. This is a port of ../mysql/01_schema.sql (the
-- seed's MySQL DDL) that must behave the same; same tables, columns (same order), nullability,
-- defaults, keys, FK actions, CHECK and generated column. Type mapping:
--   ENUM(...)         -> one enum type per column, named <table>_<column>, same labels, same order
--   TIMESTAMP         -> timestamptz(0)   (MySQL TIMESTAMP is an instant, second precision)
--   DATE / TIME       -> date / time(0)
--   VARCHAR(n) / TEXT -> varchar(n) / text
--   INT               -> integer
--   DECIMAL(p,s)      -> numeric(p,s)
--   BOOLEAN           -> boolean
--   JSON              -> jsonb      (validated and normalised on write, like MySQL's JSON)
--   ON UPDATE CURRENT_TIMESTAMP -> triggers calling dbintegrity_on_update_current_timestamp()
-- Naming: PostgreSQL index names are per schema (MySQL's are per table), so every index of the
-- seed is named <table>_<mysql index name> (so is insurance_unique_patient_coverage).
-- Constraints the seed leaves unnamed keep PostgreSQL's generated names (<table>_pkey,
-- <table>_<col>_key, <table>_<col>_fkey, vitals_pain_scale_check).
-- FKs: ON DELETE as in the seed; ON UPDATE left at the default (NO ACTION) as in the seed.
-- Objects go in the connection's default schema (no CREATE SCHEMA / search_path); no extensions.
--
-- Two things MySQL does implicitly are spelled out here so both engines behave/look the same:
--   * A NOT NULL ENUM column without a DEFAULT gets its FIRST label as implicit default in MySQL
--     (an INSERT that omits users.role stores 'admin', even in strict mode; information_schema
--     still shows COLUMN_DEFAULT NULL). Those 7 columns carry that label as an explicit DEFAULT
--     here (users.role, patients.gender, appointments.appointment_type, visits.visit_type,
--     lab_results.test_category, insurance.relationship_to_patient, insurance.coverage_type).
--   * InnoDB gives every FK column that has no index of its own an index named after the
--     column; the same 13 indexes are created here as <table>_<column> ("implicit in MySQL").
-- Known differences that the type mapping cannot remove (measured on MySQL 9.7 vs PostgreSQL 15):
--   * MySQL compares with utf8mb4_0900_ai_ci (case- and accent-insensitive): ENUM input 'Admin',
--     'ADMIN', 'ádmin', 'admin ' and the index 1 are all stored as 'admin' there, and UNIQUE
--     email / invoice_number / session_token reject values differing only in case or accents.
--     PostgreSQL enums and varchar compare exactly (those inputs are errors / distinct keys).
--   * BOOLEAN is TINYINT(1) in MySQL (accepts 1, 7, -3); boolean here accepts true/false only.
--   * TIMESTAMP range is 1970-01-01 00:00:01 .. 2038-01-19 03:14:07 UTC in MySQL; TIME accepts
--     -838:59:59 .. 838:59:59; TEXT holds at most 65,535 bytes. timestamptz/time/text are wider.
--   * CURRENT_TIMESTAMP is the statement's start, truncated to the second, in MySQL; here it is
--     the transaction's start, rounded to the second by timestamptz(0).

-- ---------------------------------------------------------------------------------------------
-- MySQL "ON UPDATE CURRENT_TIMESTAMP", reproduced exactly. MySQL sets the column to
-- CURRENT_TIMESTAMP on UPDATE (and on INSERT ... ON DUPLICATE KEY UPDATE) only when
--   (a) some other column of the row actually changed value (an UPDATE that writes the same
--       values leaves the column alone), and
--   (b) the statement did not itself assign the column: an explicit assignment wins, even one
--       that assigns the current value ("to prevent an auto-updated column from updating when
--       other columns change, explicitly set it to its current value", MySQL manual), and
--   (c) the change was not made by a foreign-key action (InnoDB's ON DELETE SET NULL /
--       ON UPDATE CASCADE rewrite child rows without touching their auto-update column).
-- A row trigger cannot see the statement's SET list, so each table gets two BEFORE UPDATE row
-- triggers on this one function, fired in name order (PostgreSQL fires same-event triggers
-- alphabetically):
--   <table>_<col>_assigned   BEFORE UPDATE OF <col>  -- fires only when <col> is in the SET list;
--                                                    -- it records that in a transaction-local
--                                                    -- setting for the row being processed
--   <table>_<col>_on_update  BEFORE UPDATE           -- consumes that mark, else applies (a)/(c)
-- TG_ARGV[0] is the column name, so the same function serves updated_at and
-- user_sessions.last_activity. "Some other column changed" compares the row images without the
-- column (jsonb equality: byte-exact for strings, numeric-equal for numbers, like MySQL's
-- record comparison for these column types). FK actions run as SQL inside the RI triggers, so
-- they arrive here with pg_trigger_depth() > 1; nothing else in this pack runs DML from a
-- trigger.
-- ---------------------------------------------------------------------------------------------
CREATE FUNCTION dbintegrity_on_update_current_timestamp() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    col  constant text := TG_ARGV[0];
    mark constant text := TG_RELID::text || '.' || TG_ARGV[0];
BEGIN
    IF TG_ARGV[1] = 'assigned' THEN
        -- (b): the statement's SET list names the column; tell the _on_update trigger.
        PERFORM set_config('dbintegrity.on_update_assigned', mark, true);
        RETURN NEW;
    END IF;
    IF current_setting('dbintegrity.on_update_assigned', true) = mark THEN
        PERFORM set_config('dbintegrity.on_update_assigned', '', true);
        RETURN NEW;
    END IF;
    IF pg_trigger_depth() > 1 THEN
        RETURN NEW;  -- (c): row rewritten by a foreign-key action
    END IF;
    IF (to_jsonb(NEW) - col) IS DISTINCT FROM (to_jsonb(OLD) - col) THEN  -- (a)
        NEW := jsonb_populate_record(NEW, jsonb_build_object(col, CURRENT_TIMESTAMP));
    END IF;
    RETURN NEW;
END
$$;

-- 1. users: Core user authentication and role management
CREATE TYPE users_role AS ENUM ('admin', 'doctor', 'nurse', 'patient', 'finance');
CREATE TYPE users_status AS ENUM ('active', 'inactive', 'suspended');

CREATE TABLE users (
  id varchar(36) PRIMARY KEY,
  email varchar(255) UNIQUE NOT NULL,
  password_hash varchar(255) NOT NULL,
  name varchar(255) NOT NULL,
  role users_role NOT NULL DEFAULT 'admin',  -- MySQL's implicit default: first label
  avatar varchar(500),
  department varchar(100),
  specialization varchar(100),
  phone varchar(20),
  status users_status DEFAULT 'active',
  last_login timestamptz(0),
  created_at timestamptz(0) DEFAULT CURRENT_TIMESTAMP,
  updated_at timestamptz(0) DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX users_idx_email ON users (email);
CREATE INDEX users_idx_role ON users (role);
CREATE INDEX users_idx_status ON users (status);
CREATE TRIGGER users_updated_at_assigned BEFORE UPDATE OF updated_at ON users
  FOR EACH ROW EXECUTE FUNCTION dbintegrity_on_update_current_timestamp('updated_at', 'assigned');
CREATE TRIGGER users_updated_at_on_update BEFORE UPDATE ON users
  FOR EACH ROW EXECUTE FUNCTION dbintegrity_on_update_current_timestamp('updated_at');

-- 2. patients: Comprehensive patient demographic and medical information
CREATE TYPE patients_gender AS ENUM ('male', 'female', 'other', 'prefer_not_to_say');
CREATE TYPE patients_blood_type AS ENUM ('A+', 'A-', 'B+', 'B-', 'AB+', 'AB-', 'O+', 'O-');
CREATE TYPE patients_status AS ENUM ('active', 'inactive', 'deceased');

CREATE TABLE patients (
  id varchar(36) PRIMARY KEY,
  user_id varchar(36), -- Links to users table for patient portal access
  first_name varchar(100) NOT NULL,
  last_name varchar(100) NOT NULL,
  date_of_birth date NOT NULL,
  gender patients_gender NOT NULL DEFAULT 'male',  -- MySQL's implicit default: first label
  phone varchar(20),
  email varchar(255),
  address text,
  city varchar(100),
  state varchar(50),
  zip_code varchar(10),
  country varchar(50) DEFAULT 'USA',
  emergency_contact_name varchar(255),
  emergency_contact_phone varchar(20),
  emergency_contact_relationship varchar(50),
  blood_type patients_blood_type,
  allergies text,
  chronic_conditions text,
  current_medications text,
  primary_doctor_id varchar(36),
  status patients_status DEFAULT 'active',
  created_at timestamptz(0) DEFAULT CURRENT_TIMESTAMP,
  updated_at timestamptz(0) DEFAULT CURRENT_TIMESTAMP,

  FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE SET NULL,
  FOREIGN KEY (primary_doctor_id) REFERENCES users(id) ON DELETE SET NULL
);
CREATE INDEX patients_idx_name ON patients (last_name, first_name);
CREATE INDEX patients_idx_doctor ON patients (primary_doctor_id);
CREATE INDEX patients_idx_status ON patients (status);
CREATE INDEX patients_user_id ON patients (user_id);  -- implicit in MySQL (FK index)
CREATE TRIGGER patients_updated_at_assigned BEFORE UPDATE OF updated_at ON patients
  FOR EACH ROW EXECUTE FUNCTION dbintegrity_on_update_current_timestamp('updated_at', 'assigned');
CREATE TRIGGER patients_updated_at_on_update BEFORE UPDATE ON patients
  FOR EACH ROW EXECUTE FUNCTION dbintegrity_on_update_current_timestamp('updated_at');

-- 3. appointments: Appointment scheduling with priority and status tracking
CREATE TYPE appointments_appointment_type AS ENUM ('consultation', 'follow_up', 'emergency', 'surgery', 'diagnostic');
CREATE TYPE appointments_priority AS ENUM ('low', 'medium', 'high', 'urgent');
CREATE TYPE appointments_status AS ENUM ('scheduled', 'confirmed', 'in_progress', 'completed', 'cancelled', 'no_show');

CREATE TABLE appointments (
  id varchar(36) PRIMARY KEY,
  patient_id varchar(36) NOT NULL,
  doctor_id varchar(36) NOT NULL,
  appointment_date date NOT NULL,
  appointment_time time(0) NOT NULL,
  duration_minutes integer DEFAULT 30,
  appointment_type appointments_appointment_type NOT NULL DEFAULT 'consultation',  -- MySQL's implicit default: first label
  priority appointments_priority DEFAULT 'medium',
  status appointments_status DEFAULT 'scheduled',
  chief_complaint text,
  notes text,
  room_number varchar(20),
  created_by varchar(36) NOT NULL,
  cancelled_by varchar(36),
  cancellation_reason text,
  created_at timestamptz(0) DEFAULT CURRENT_TIMESTAMP,
  updated_at timestamptz(0) DEFAULT CURRENT_TIMESTAMP,

  FOREIGN KEY (patient_id) REFERENCES patients(id) ON DELETE CASCADE,
  FOREIGN KEY (doctor_id) REFERENCES users(id) ON DELETE CASCADE,
  FOREIGN KEY (created_by) REFERENCES users(id) ON DELETE CASCADE,
  FOREIGN KEY (cancelled_by) REFERENCES users(id) ON DELETE SET NULL
);
CREATE INDEX appointments_idx_date_time ON appointments (appointment_date, appointment_time);
CREATE INDEX appointments_idx_patient ON appointments (patient_id);
CREATE INDEX appointments_idx_doctor ON appointments (doctor_id);
CREATE INDEX appointments_idx_status ON appointments (status);
CREATE INDEX appointments_idx_priority ON appointments (priority);
CREATE INDEX appointments_created_by ON appointments (created_by);  -- implicit in MySQL (FK index)
CREATE INDEX appointments_cancelled_by ON appointments (cancelled_by);  -- implicit in MySQL (FK index)
CREATE TRIGGER appointments_updated_at_assigned BEFORE UPDATE OF updated_at ON appointments
  FOR EACH ROW EXECUTE FUNCTION dbintegrity_on_update_current_timestamp('updated_at', 'assigned');
CREATE TRIGGER appointments_updated_at_on_update BEFORE UPDATE ON appointments
  FOR EACH ROW EXECUTE FUNCTION dbintegrity_on_update_current_timestamp('updated_at');

-- 4. visits: Clinical encounters and comprehensive medical data
CREATE TYPE visits_visit_type AS ENUM ('routine', 'emergency', 'follow_up', 'consultation', 'surgery');
CREATE TYPE visits_status AS ENUM ('in_progress', 'completed', 'cancelled');

CREATE TABLE visits (
  id varchar(36) PRIMARY KEY,
  patient_id varchar(36) NOT NULL,
  doctor_id varchar(36) NOT NULL,
  appointment_id varchar(36),
  visit_date date NOT NULL,
  visit_time time(0) NOT NULL,
  visit_type visits_visit_type NOT NULL DEFAULT 'routine',  -- MySQL's implicit default: first label
  chief_complaint text,
  history_present_illness text,
  physical_examination text,
  assessment text,
  plan text,
  notes text,
  discharge_instructions text,
  follow_up_instructions text,
  status visits_status DEFAULT 'in_progress',
  created_at timestamptz(0) DEFAULT CURRENT_TIMESTAMP,
  updated_at timestamptz(0) DEFAULT CURRENT_TIMESTAMP,

  FOREIGN KEY (patient_id) REFERENCES patients(id) ON DELETE CASCADE,
  FOREIGN KEY (doctor_id) REFERENCES users(id) ON DELETE CASCADE,
  FOREIGN KEY (appointment_id) REFERENCES appointments(id) ON DELETE SET NULL
);
CREATE INDEX visits_idx_patient ON visits (patient_id);
CREATE INDEX visits_idx_doctor ON visits (doctor_id);
CREATE INDEX visits_idx_date ON visits (visit_date);
CREATE INDEX visits_idx_status ON visits (status);
CREATE INDEX visits_appointment_id ON visits (appointment_id);  -- implicit in MySQL (FK index)
CREATE TRIGGER visits_updated_at_assigned BEFORE UPDATE OF updated_at ON visits
  FOR EACH ROW EXECUTE FUNCTION dbintegrity_on_update_current_timestamp('updated_at', 'assigned');
CREATE TRIGGER visits_updated_at_on_update BEFORE UPDATE ON visits
  FOR EACH ROW EXECUTE FUNCTION dbintegrity_on_update_current_timestamp('updated_at');

-- 5. medical_conditions: Patient diagnosis and condition tracking
CREATE TYPE medical_conditions_severity AS ENUM ('mild', 'moderate', 'severe', 'critical');
CREATE TYPE medical_conditions_status AS ENUM ('active', 'resolved', 'chronic', 'in_remission');

CREATE TABLE medical_conditions (
  id varchar(36) PRIMARY KEY,
  patient_id varchar(36) NOT NULL,
  visit_id varchar(36),
  condition_name varchar(255) NOT NULL,
  icd_10_code varchar(20),
  diagnosis_date date NOT NULL,
  severity medical_conditions_severity DEFAULT 'moderate',
  status medical_conditions_status DEFAULT 'active',
  notes text,
  diagnosed_by varchar(36) NOT NULL,
  created_at timestamptz(0) DEFAULT CURRENT_TIMESTAMP,
  updated_at timestamptz(0) DEFAULT CURRENT_TIMESTAMP,

  FOREIGN KEY (patient_id) REFERENCES patients(id) ON DELETE CASCADE,
  FOREIGN KEY (visit_id) REFERENCES visits(id) ON DELETE SET NULL,
  FOREIGN KEY (diagnosed_by) REFERENCES users(id) ON DELETE CASCADE
);
CREATE INDEX medical_conditions_idx_patient ON medical_conditions (patient_id);
CREATE INDEX medical_conditions_idx_condition ON medical_conditions (condition_name);
CREATE INDEX medical_conditions_idx_status ON medical_conditions (status);
CREATE INDEX medical_conditions_idx_icd_code ON medical_conditions (icd_10_code);
CREATE INDEX medical_conditions_visit_id ON medical_conditions (visit_id);  -- implicit in MySQL (FK index)
CREATE INDEX medical_conditions_diagnosed_by ON medical_conditions (diagnosed_by);  -- implicit in MySQL (FK index)
CREATE TRIGGER medical_conditions_updated_at_assigned BEFORE UPDATE OF updated_at ON medical_conditions
  FOR EACH ROW EXECUTE FUNCTION dbintegrity_on_update_current_timestamp('updated_at', 'assigned');
CREATE TRIGGER medical_conditions_updated_at_on_update BEFORE UPDATE ON medical_conditions
  FOR EACH ROW EXECUTE FUNCTION dbintegrity_on_update_current_timestamp('updated_at');

-- 6. prescriptions: Medication management and prescription tracking
CREATE TYPE prescriptions_status AS ENUM ('active', 'completed', 'cancelled', 'expired');

CREATE TABLE prescriptions (
  id varchar(36) PRIMARY KEY,
  patient_id varchar(36) NOT NULL,
  doctor_id varchar(36) NOT NULL,
  visit_id varchar(36),
  medication_name varchar(255) NOT NULL,
  dosage varchar(100) NOT NULL,
  frequency varchar(100) NOT NULL,
  duration varchar(100),
  quantity_prescribed integer,
  refills_remaining integer DEFAULT 0,
  instructions text,
  indication varchar(255),
  status prescriptions_status DEFAULT 'active',
  prescribed_date date NOT NULL,
  start_date date,
  end_date date,
  pharmacy_notes text,
  created_at timestamptz(0) DEFAULT CURRENT_TIMESTAMP,
  updated_at timestamptz(0) DEFAULT CURRENT_TIMESTAMP,

  FOREIGN KEY (patient_id) REFERENCES patients(id) ON DELETE CASCADE,
  FOREIGN KEY (doctor_id) REFERENCES users(id) ON DELETE CASCADE,
  FOREIGN KEY (visit_id) REFERENCES visits(id) ON DELETE SET NULL
);
CREATE INDEX prescriptions_idx_patient ON prescriptions (patient_id);
CREATE INDEX prescriptions_idx_doctor ON prescriptions (doctor_id);
CREATE INDEX prescriptions_idx_medication ON prescriptions (medication_name);
CREATE INDEX prescriptions_idx_status ON prescriptions (status);
CREATE INDEX prescriptions_idx_prescribed_date ON prescriptions (prescribed_date);
CREATE INDEX prescriptions_visit_id ON prescriptions (visit_id);  -- implicit in MySQL (FK index)
CREATE TRIGGER prescriptions_updated_at_assigned BEFORE UPDATE OF updated_at ON prescriptions
  FOR EACH ROW EXECUTE FUNCTION dbintegrity_on_update_current_timestamp('updated_at', 'assigned');
CREATE TRIGGER prescriptions_updated_at_on_update BEFORE UPDATE ON prescriptions
  FOR EACH ROW EXECUTE FUNCTION dbintegrity_on_update_current_timestamp('updated_at');

-- 7. vitals: Vital signs monitoring and tracking
CREATE TYPE vitals_temperature_unit AS ENUM ('F', 'C');
CREATE TYPE vitals_weight_unit AS ENUM ('lbs', 'kg');

CREATE TABLE vitals (
  id varchar(36) PRIMARY KEY,
  patient_id varchar(36) NOT NULL,
  visit_id varchar(36),
  recorded_by varchar(36) NOT NULL,
  recorded_at timestamptz(0) DEFAULT CURRENT_TIMESTAMP,
  systolic_bp integer,
  diastolic_bp integer,
  heart_rate integer,
  respiratory_rate integer,
  temperature numeric(4,1),
  temperature_unit vitals_temperature_unit DEFAULT 'F',
  oxygen_saturation integer,
  weight numeric(5,2),
  weight_unit vitals_weight_unit DEFAULT 'lbs',
  height_feet integer,
  height_inches integer,
  height_cm integer,
  bmi numeric(4,1),
  -- Same expression as MySQL; as there, NULL passes (CHECK fails only on FALSE). Unnamed, so
  -- PostgreSQL calls it vitals_pain_scale_check (MySQL: vitals_chk_1).
  pain_scale integer CHECK (pain_scale BETWEEN 0 AND 10),
  notes text,

  FOREIGN KEY (patient_id) REFERENCES patients(id) ON DELETE CASCADE,
  FOREIGN KEY (visit_id) REFERENCES visits(id) ON DELETE SET NULL,
  FOREIGN KEY (recorded_by) REFERENCES users(id) ON DELETE CASCADE
);
CREATE INDEX vitals_idx_patient ON vitals (patient_id);
CREATE INDEX vitals_idx_visit ON vitals (visit_id);
CREATE INDEX vitals_idx_recorded_at ON vitals (recorded_at);
CREATE INDEX vitals_recorded_by ON vitals (recorded_by);  -- implicit in MySQL (FK index)

-- 8. lab_results: Laboratory test results and diagnostic data
CREATE TYPE lab_results_test_category AS ENUM ('blood', 'urine', 'imaging', 'pathology', 'microbiology', 'other');
CREATE TYPE lab_results_status AS ENUM ('ordered', 'in_progress', 'completed', 'cancelled');
CREATE TYPE lab_results_abnormal_flag AS ENUM ('normal', 'low', 'high', 'critical');

CREATE TABLE lab_results (
  id varchar(36) PRIMARY KEY,
  patient_id varchar(36) NOT NULL,
  visit_id varchar(36),
  ordered_by varchar(36) NOT NULL,
  test_name varchar(255) NOT NULL,
  test_code varchar(50),
  test_category lab_results_test_category NOT NULL DEFAULT 'blood',  -- MySQL's implicit default: first label
  result_value varchar(255),
  result_unit varchar(50),
  reference_range varchar(100),
  status lab_results_status DEFAULT 'ordered',
  abnormal_flag lab_results_abnormal_flag DEFAULT 'normal',
  ordered_date date NOT NULL,
  collection_date date,
  result_date date,
  lab_comments text,
  interpretation text,

  FOREIGN KEY (patient_id) REFERENCES patients(id) ON DELETE CASCADE,
  FOREIGN KEY (visit_id) REFERENCES visits(id) ON DELETE SET NULL,
  FOREIGN KEY (ordered_by) REFERENCES users(id) ON DELETE CASCADE
);
CREATE INDEX lab_results_idx_patient ON lab_results (patient_id);
CREATE INDEX lab_results_idx_test_name ON lab_results (test_name);
CREATE INDEX lab_results_idx_status ON lab_results (status);
CREATE INDEX lab_results_idx_ordered_date ON lab_results (ordered_date);
CREATE INDEX lab_results_idx_abnormal_flag ON lab_results (abnormal_flag);
CREATE INDEX lab_results_visit_id ON lab_results (visit_id);  -- implicit in MySQL (FK index)
CREATE INDEX lab_results_ordered_by ON lab_results (ordered_by);  -- implicit in MySQL (FK index)

-- 9. billing: Financial transactions and billing management
CREATE TYPE billing_payment_status AS ENUM ('pending', 'partial', 'paid', 'overdue', 'written_off');
CREATE TYPE billing_payment_method AS ENUM ('cash', 'check', 'credit_card', 'insurance', 'other');

CREATE TABLE billing (
  id varchar(36) PRIMARY KEY,
  patient_id varchar(36) NOT NULL,
  visit_id varchar(36),
  appointment_id varchar(36),
  invoice_number varchar(100) UNIQUE NOT NULL,
  service_date date NOT NULL,
  service_description text NOT NULL,
  procedure_codes text, -- CPT codes
  diagnosis_codes text, -- ICD-10 codes
  amount_charged numeric(10,2) NOT NULL,
  amount_paid numeric(10,2) DEFAULT 0.00,
  -- Stored generated column, as in MySQL: recomputed on every write, NULL when amount_paid is
  -- NULL, and any non-DEFAULT value written to it is an error.
  amount_due numeric(10,2) GENERATED ALWAYS AS (amount_charged - amount_paid) STORED,
  payment_status billing_payment_status DEFAULT 'pending',
  billing_date date NOT NULL,
  due_date date NOT NULL,
  payment_date date,
  payment_method billing_payment_method,
  notes text,
  created_by varchar(36) NOT NULL,

  FOREIGN KEY (patient_id) REFERENCES patients(id) ON DELETE CASCADE,
  FOREIGN KEY (visit_id) REFERENCES visits(id) ON DELETE SET NULL,
  FOREIGN KEY (appointment_id) REFERENCES appointments(id) ON DELETE SET NULL,
  FOREIGN KEY (created_by) REFERENCES users(id) ON DELETE CASCADE
);
CREATE INDEX billing_idx_patient ON billing (patient_id);
CREATE INDEX billing_idx_invoice ON billing (invoice_number);
CREATE INDEX billing_idx_payment_status ON billing (payment_status);
CREATE INDEX billing_idx_due_date ON billing (due_date);
CREATE INDEX billing_idx_service_date ON billing (service_date);
CREATE INDEX billing_visit_id ON billing (visit_id);  -- implicit in MySQL (FK index)
CREATE INDEX billing_appointment_id ON billing (appointment_id);  -- implicit in MySQL (FK index)
CREATE INDEX billing_created_by ON billing (created_by);  -- implicit in MySQL (FK index)

-- 10. insurance: Insurance coverage and claims management
CREATE TYPE insurance_relationship_to_patient AS ENUM ('self', 'spouse', 'child', 'parent', 'other');
CREATE TYPE insurance_coverage_type AS ENUM ('primary', 'secondary', 'tertiary');
CREATE TYPE insurance_status AS ENUM ('active', 'inactive', 'expired');

CREATE TABLE insurance (
  id varchar(36) PRIMARY KEY,
  patient_id varchar(36) NOT NULL,
  insurance_company varchar(255) NOT NULL,
  policy_number varchar(100) NOT NULL,
  group_number varchar(100),
  policy_holder_name varchar(255) NOT NULL,
  relationship_to_patient insurance_relationship_to_patient NOT NULL DEFAULT 'self',  -- MySQL's implicit default: first label
  coverage_type insurance_coverage_type NOT NULL DEFAULT 'primary',  -- MySQL's implicit default: first label
  effective_date date NOT NULL,
  expiration_date date,
  copay_amount numeric(6,2),
  deductible_amount numeric(8,2),
  deductible_met numeric(8,2) DEFAULT 0.00,
  status insurance_status DEFAULT 'active',
  pre_auth_required boolean DEFAULT FALSE,
  notes text,

  FOREIGN KEY (patient_id) REFERENCES patients(id) ON DELETE CASCADE,
  -- MySQL's UNIQUE KEY unique_patient_coverage is a unique index of that name; a UNIQUE
  -- constraint here (so it shows as a constraint, as in MySQL's information_schema), whose
  -- name (= its index's name) follows the <table>_<mysql index name> rule.
  CONSTRAINT insurance_unique_patient_coverage UNIQUE (patient_id, coverage_type)
);
CREATE INDEX insurance_idx_patient ON insurance (patient_id);
CREATE INDEX insurance_idx_policy ON insurance (policy_number);
CREATE INDEX insurance_idx_coverage_type ON insurance (coverage_type);
CREATE INDEX insurance_idx_status ON insurance (status);

-- 11. security_logs: Security activity tracking and audit trail
CREATE TABLE security_logs (
  id varchar(36) PRIMARY KEY,
  user_id varchar(36),
  action varchar(100) NOT NULL,
  resource_type varchar(50),
  resource_id varchar(36),
  ip_address varchar(45),
  user_agent text,
  -- "timestamp" is a (non-reserved) keyword in both dialects; quoted here only for clarity, the
  -- column is named timestamp as in MySQL.
  "timestamp" timestamptz(0) DEFAULT CURRENT_TIMESTAMP,
  success boolean NOT NULL,
  failure_reason text,
  additional_data jsonb,

  FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE SET NULL
);
CREATE INDEX security_logs_idx_user ON security_logs (user_id);
CREATE INDEX security_logs_idx_action ON security_logs (action);
CREATE INDEX security_logs_idx_timestamp ON security_logs ("timestamp");
CREATE INDEX security_logs_idx_success ON security_logs (success);
CREATE INDEX security_logs_idx_resource ON security_logs (resource_type, resource_id);

-- 12. user_sessions: Session management and tracking
CREATE TABLE user_sessions (
  id varchar(36) PRIMARY KEY,
  user_id varchar(36) NOT NULL,
  session_token varchar(255) UNIQUE NOT NULL,
  ip_address varchar(45),
  user_agent text,
  created_at timestamptz(0) DEFAULT CURRENT_TIMESTAMP,
  expires_at timestamptz(0) NOT NULL,
  last_activity timestamptz(0) DEFAULT CURRENT_TIMESTAMP,
  is_active boolean DEFAULT TRUE,

  FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE
);
CREATE INDEX user_sessions_idx_user ON user_sessions (user_id);
CREATE INDEX user_sessions_idx_token ON user_sessions (session_token);
CREATE INDEX user_sessions_idx_expires ON user_sessions (expires_at);
CREATE INDEX user_sessions_idx_active ON user_sessions (is_active);
CREATE TRIGGER user_sessions_last_activity_assigned BEFORE UPDATE OF last_activity ON user_sessions
  FOR EACH ROW EXECUTE FUNCTION dbintegrity_on_update_current_timestamp('last_activity', 'assigned');
CREATE TRIGGER user_sessions_last_activity_on_update BEFORE UPDATE ON user_sessions
  FOR EACH ROW EXECUTE FUNCTION dbintegrity_on_update_current_timestamp('last_activity');
