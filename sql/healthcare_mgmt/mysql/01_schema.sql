-- healthcare_mgmt pack, MySQL dialect (MySQL 8.4 LTS and 9.7 LTS).
--
-- The 12 core tables of "the Healthcare Management System" database schema, taken from the
-- seed shared/seeds/004_2cfaa6fdadd22619.txt ("Healthcare Management System - Database Schema"):
-- users, patients, appointments, visits, medical_conditions, prescriptions, vitals,
-- lab_results, billing, insurance, security_logs, user_sessions.
--
-- The CREATE TABLE statements below are the seed's DDL verbatim and in the seed's order
-- (FK parents first); only a comment line naming each table was added between them.
-- Nothing needed changing: MySQL accepts every statement as written, without a warning
-- (applied to a real MySQL 9.7.4 server; the DDL uses nothing newer than MySQL 8.0.16, the
-- first version that enforces CHECK), so there is no "dbintegrity: changed because ..." here.
--
-- What the DDL leaves implicit, as MySQL creates it (the PostgreSQL port spells it out):
--   * unnamed CHECK on vitals.pain_scale           -> constraint vitals_chk_1
--   * unnamed FOREIGN KEYs                          -> <table>_ibfk_<n>, n in declaration order
--   * column-level UNIQUE (users.email, billing.invoice_number, user_sessions.session_token)
--                                                   -> unique index named after the column
--   * an FK column without an index of its own      -> index named after the column (13 of them)
--   * a NOT NULL ENUM without DEFAULT (users.role, patients.gender,
--     appointments.appointment_type, visits.visit_type, lab_results.test_category,
--     insurance.relationship_to_patient, insurance.coverage_type)
--                                                   -> implicit default = its first label
--   * FK ON UPDATE not given                        -> NO ACTION (InnoDB: checked immediately)
--
-- No CREATE DATABASE / USE: the suite creates and selects the database itself.

-- 1. users: Core user authentication and role management
CREATE TABLE users (
  id VARCHAR(36) PRIMARY KEY,
  email VARCHAR(255) UNIQUE NOT NULL,
  password_hash VARCHAR(255) NOT NULL,
  name VARCHAR(255) NOT NULL,
  role ENUM('admin', 'doctor', 'nurse', 'patient', 'finance') NOT NULL,
  avatar VARCHAR(500),
  department VARCHAR(100),
  specialization VARCHAR(100),
  phone VARCHAR(20),
  status ENUM('active', 'inactive', 'suspended') DEFAULT 'active',
  last_login TIMESTAMP,
  created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  
  INDEX idx_email (email),
  INDEX idx_role (role),
  INDEX idx_status (status)
);

-- 2. patients: Comprehensive patient demographic and medical information
CREATE TABLE patients (
  id VARCHAR(36) PRIMARY KEY,
  user_id VARCHAR(36), -- Links to users table for patient portal access
  first_name VARCHAR(100) NOT NULL,
  last_name VARCHAR(100) NOT NULL,
  date_of_birth DATE NOT NULL,
  gender ENUM('male', 'female', 'other', 'prefer_not_to_say') NOT NULL,
  phone VARCHAR(20),
  email VARCHAR(255),
  address TEXT,
  city VARCHAR(100),
  state VARCHAR(50),
  zip_code VARCHAR(10),
  country VARCHAR(50) DEFAULT 'USA',
  emergency_contact_name VARCHAR(255),
  emergency_contact_phone VARCHAR(20),
  emergency_contact_relationship VARCHAR(50),
  blood_type ENUM('A+', 'A-', 'B+', 'B-', 'AB+', 'AB-', 'O+', 'O-'),
  allergies TEXT,
  chronic_conditions TEXT,
  current_medications TEXT,
  primary_doctor_id VARCHAR(36),
  status ENUM('active', 'inactive', 'deceased') DEFAULT 'active',
  created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  
  FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE SET NULL,
  FOREIGN KEY (primary_doctor_id) REFERENCES users(id) ON DELETE SET NULL,
  INDEX idx_name (last_name, first_name),
  INDEX idx_doctor (primary_doctor_id),
  INDEX idx_status (status)
);

-- 3. appointments: Appointment scheduling with priority and status tracking
CREATE TABLE appointments (
  id VARCHAR(36) PRIMARY KEY,
  patient_id VARCHAR(36) NOT NULL,
  doctor_id VARCHAR(36) NOT NULL,
  appointment_date DATE NOT NULL,
  appointment_time TIME NOT NULL,
  duration_minutes INT DEFAULT 30,
  appointment_type ENUM('consultation', 'follow_up', 'emergency', 'surgery', 'diagnostic') NOT NULL,
  priority ENUM('low', 'medium', 'high', 'urgent') DEFAULT 'medium',
  status ENUM('scheduled', 'confirmed', 'in_progress', 'completed', 'cancelled', 'no_show') DEFAULT 'scheduled',
  chief_complaint TEXT,
  notes TEXT,
  room_number VARCHAR(20),
  created_by VARCHAR(36) NOT NULL,
  cancelled_by VARCHAR(36),
  cancellation_reason TEXT,
  created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  
  FOREIGN KEY (patient_id) REFERENCES patients(id) ON DELETE CASCADE,
  FOREIGN KEY (doctor_id) REFERENCES users(id) ON DELETE CASCADE,
  FOREIGN KEY (created_by) REFERENCES users(id) ON DELETE CASCADE,
  FOREIGN KEY (cancelled_by) REFERENCES users(id) ON DELETE SET NULL,
  INDEX idx_date_time (appointment_date, appointment_time),
  INDEX idx_patient (patient_id),
  INDEX idx_doctor (doctor_id),
  INDEX idx_status (status),
  INDEX idx_priority (priority)
);

-- 4. visits: Clinical encounters and comprehensive medical data
CREATE TABLE visits (
  id VARCHAR(36) PRIMARY KEY,
  patient_id VARCHAR(36) NOT NULL,
  doctor_id VARCHAR(36) NOT NULL,
  appointment_id VARCHAR(36),
  visit_date DATE NOT NULL,
  visit_time TIME NOT NULL,
  visit_type ENUM('routine', 'emergency', 'follow_up', 'consultation', 'surgery') NOT NULL,
  chief_complaint TEXT,
  history_present_illness TEXT,
  physical_examination TEXT,
  assessment TEXT,
  plan TEXT,
  notes TEXT,
  discharge_instructions TEXT,
  follow_up_instructions TEXT,
  status ENUM('in_progress', 'completed', 'cancelled') DEFAULT 'in_progress',
  created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  
  FOREIGN KEY (patient_id) REFERENCES patients(id) ON DELETE CASCADE,
  FOREIGN KEY (doctor_id) REFERENCES users(id) ON DELETE CASCADE,
  FOREIGN KEY (appointment_id) REFERENCES appointments(id) ON DELETE SET NULL,
  INDEX idx_patient (patient_id),
  INDEX idx_doctor (doctor_id),
  INDEX idx_date (visit_date),
  INDEX idx_status (status)
);

-- 5. medical_conditions: Patient diagnosis and condition tracking
CREATE TABLE medical_conditions (
  id VARCHAR(36) PRIMARY KEY,
  patient_id VARCHAR(36) NOT NULL,
  visit_id VARCHAR(36),
  condition_name VARCHAR(255) NOT NULL,
  icd_10_code VARCHAR(20),
  diagnosis_date DATE NOT NULL,
  severity ENUM('mild', 'moderate', 'severe', 'critical') DEFAULT 'moderate',
  status ENUM('active', 'resolved', 'chronic', 'in_remission') DEFAULT 'active',
  notes TEXT,
  diagnosed_by VARCHAR(36) NOT NULL,
  created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  
  FOREIGN KEY (patient_id) REFERENCES patients(id) ON DELETE CASCADE,
  FOREIGN KEY (visit_id) REFERENCES visits(id) ON DELETE SET NULL,
  FOREIGN KEY (diagnosed_by) REFERENCES users(id) ON DELETE CASCADE,
  INDEX idx_patient (patient_id),
  INDEX idx_condition (condition_name),
  INDEX idx_status (status),
  INDEX idx_icd_code (icd_10_code)
);

-- 6. prescriptions: Medication management and prescription tracking
CREATE TABLE prescriptions (
  id VARCHAR(36) PRIMARY KEY,
  patient_id VARCHAR(36) NOT NULL,
  doctor_id VARCHAR(36) NOT NULL,
  visit_id VARCHAR(36),
  medication_name VARCHAR(255) NOT NULL,
  dosage VARCHAR(100) NOT NULL,
  frequency VARCHAR(100) NOT NULL,
  duration VARCHAR(100),
  quantity_prescribed INT,
  refills_remaining INT DEFAULT 0,
  instructions TEXT,
  indication VARCHAR(255),
  status ENUM('active', 'completed', 'cancelled', 'expired') DEFAULT 'active',
  prescribed_date DATE NOT NULL,
  start_date DATE,
  end_date DATE,
  pharmacy_notes TEXT,
  created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  
  FOREIGN KEY (patient_id) REFERENCES patients(id) ON DELETE CASCADE,
  FOREIGN KEY (doctor_id) REFERENCES users(id) ON DELETE CASCADE,
  FOREIGN KEY (visit_id) REFERENCES visits(id) ON DELETE SET NULL,
  INDEX idx_patient (patient_id),
  INDEX idx_doctor (doctor_id),
  INDEX idx_medication (medication_name),
  INDEX idx_status (status),
  INDEX idx_prescribed_date (prescribed_date)
);

-- 7. vitals: Vital signs monitoring and tracking
CREATE TABLE vitals (
  id VARCHAR(36) PRIMARY KEY,
  patient_id VARCHAR(36) NOT NULL,
  visit_id VARCHAR(36),
  recorded_by VARCHAR(36) NOT NULL,
  recorded_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
  systolic_bp INT,
  diastolic_bp INT,
  heart_rate INT,
  respiratory_rate INT,
  temperature DECIMAL(4,1),
  temperature_unit ENUM('F', 'C') DEFAULT 'F',
  oxygen_saturation INT,
  weight DECIMAL(5,2),
  weight_unit ENUM('lbs', 'kg') DEFAULT 'lbs',
  height_feet INT,
  height_inches INT,
  height_cm INT,
  bmi DECIMAL(4,1),
  pain_scale INT CHECK (pain_scale BETWEEN 0 AND 10),
  notes TEXT,
  
  FOREIGN KEY (patient_id) REFERENCES patients(id) ON DELETE CASCADE,
  FOREIGN KEY (visit_id) REFERENCES visits(id) ON DELETE SET NULL,
  FOREIGN KEY (recorded_by) REFERENCES users(id) ON DELETE CASCADE,
  INDEX idx_patient (patient_id),
  INDEX idx_visit (visit_id),
  INDEX idx_recorded_at (recorded_at)
);

-- 8. lab_results: Laboratory test results and diagnostic data
CREATE TABLE lab_results (
  id VARCHAR(36) PRIMARY KEY,
  patient_id VARCHAR(36) NOT NULL,
  visit_id VARCHAR(36),
  ordered_by VARCHAR(36) NOT NULL,
  test_name VARCHAR(255) NOT NULL,
  test_code VARCHAR(50),
  test_category ENUM('blood', 'urine', 'imaging', 'pathology', 'microbiology', 'other') NOT NULL,
  result_value VARCHAR(255),
  result_unit VARCHAR(50),
  reference_range VARCHAR(100),
  status ENUM('ordered', 'in_progress', 'completed', 'cancelled') DEFAULT 'ordered',
  abnormal_flag ENUM('normal', 'low', 'high', 'critical') DEFAULT 'normal',
  ordered_date DATE NOT NULL,
  collection_date DATE,
  result_date DATE,
  lab_comments TEXT,
  interpretation TEXT,
  
  FOREIGN KEY (patient_id) REFERENCES patients(id) ON DELETE CASCADE,
  FOREIGN KEY (visit_id) REFERENCES visits(id) ON DELETE SET NULL,
  FOREIGN KEY (ordered_by) REFERENCES users(id) ON DELETE CASCADE,
  INDEX idx_patient (patient_id),
  INDEX idx_test_name (test_name),
  INDEX idx_status (status),
  INDEX idx_ordered_date (ordered_date),
  INDEX idx_abnormal_flag (abnormal_flag)
);

-- 9. billing: Financial transactions and billing management
CREATE TABLE billing (
  id VARCHAR(36) PRIMARY KEY,
  patient_id VARCHAR(36) NOT NULL,
  visit_id VARCHAR(36),
  appointment_id VARCHAR(36),
  invoice_number VARCHAR(100) UNIQUE NOT NULL,
  service_date DATE NOT NULL,
  service_description TEXT NOT NULL,
  procedure_codes TEXT, -- CPT codes
  diagnosis_codes TEXT, -- ICD-10 codes
  amount_charged DECIMAL(10,2) NOT NULL,
  amount_paid DECIMAL(10,2) DEFAULT 0.00,
  amount_due DECIMAL(10,2) GENERATED ALWAYS AS (amount_charged - amount_paid) STORED,
  payment_status ENUM('pending', 'partial', 'paid', 'overdue', 'written_off') DEFAULT 'pending',
  billing_date DATE NOT NULL,
  due_date DATE NOT NULL,
  payment_date DATE,
  payment_method ENUM('cash', 'check', 'credit_card', 'insurance', 'other'),
  notes TEXT,
  created_by VARCHAR(36) NOT NULL,
  
  FOREIGN KEY (patient_id) REFERENCES patients(id) ON DELETE CASCADE,
  FOREIGN KEY (visit_id) REFERENCES visits(id) ON DELETE SET NULL,
  FOREIGN KEY (appointment_id) REFERENCES appointments(id) ON DELETE SET NULL,
  FOREIGN KEY (created_by) REFERENCES users(id) ON DELETE CASCADE,
  INDEX idx_patient (patient_id),
  INDEX idx_invoice (invoice_number),
  INDEX idx_payment_status (payment_status),
  INDEX idx_due_date (due_date),
  INDEX idx_service_date (service_date)
);

-- 10. insurance: Insurance coverage and claims management
CREATE TABLE insurance (
  id VARCHAR(36) PRIMARY KEY,
  patient_id VARCHAR(36) NOT NULL,
  insurance_company VARCHAR(255) NOT NULL,
  policy_number VARCHAR(100) NOT NULL,
  group_number VARCHAR(100),
  policy_holder_name VARCHAR(255) NOT NULL,
  relationship_to_patient ENUM('self', 'spouse', 'child', 'parent', 'other') NOT NULL,
  coverage_type ENUM('primary', 'secondary', 'tertiary') NOT NULL,
  effective_date DATE NOT NULL,
  expiration_date DATE,
  copay_amount DECIMAL(6,2),
  deductible_amount DECIMAL(8,2),
  deductible_met DECIMAL(8,2) DEFAULT 0.00,
  status ENUM('active', 'inactive', 'expired') DEFAULT 'active',
  pre_auth_required BOOLEAN DEFAULT FALSE,
  notes TEXT,
  
  FOREIGN KEY (patient_id) REFERENCES patients(id) ON DELETE CASCADE,
  INDEX idx_patient (patient_id),
  INDEX idx_policy (policy_number),
  INDEX idx_coverage_type (coverage_type),
  INDEX idx_status (status),
  UNIQUE KEY unique_patient_coverage (patient_id, coverage_type)
);

-- 11. security_logs: Security activity tracking and audit trail
CREATE TABLE security_logs (
  id VARCHAR(36) PRIMARY KEY,
  user_id VARCHAR(36),
  action VARCHAR(100) NOT NULL,
  resource_type VARCHAR(50),
  resource_id VARCHAR(36),
  ip_address VARCHAR(45),
  user_agent TEXT,
  timestamp TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
  success BOOLEAN NOT NULL,
  failure_reason TEXT,
  additional_data JSON,
  
  FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE SET NULL,
  INDEX idx_user (user_id),
  INDEX idx_action (action),
  INDEX idx_timestamp (timestamp),
  INDEX idx_success (success),
  INDEX idx_resource (resource_type, resource_id)
);

-- 12. user_sessions: Session management and tracking
CREATE TABLE user_sessions (
  id VARCHAR(36) PRIMARY KEY,
  user_id VARCHAR(36) NOT NULL,
  session_token VARCHAR(255) UNIQUE NOT NULL,
  ip_address VARCHAR(45),
  user_agent TEXT,
  created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
  expires_at TIMESTAMP NOT NULL,
  last_activity TIMESTAMP DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  is_active BOOLEAN DEFAULT TRUE,
  
  FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE,
  INDEX idx_user (user_id),
  INDEX idx_token (session_token),
  INDEX idx_expires (expires_at),
  INDEX idx_active (is_active)
);
