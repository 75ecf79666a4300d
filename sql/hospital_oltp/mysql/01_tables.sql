-- hospital_oltp pack, MySQL dialect (MySQL 8.0.16 and newer; measured on 9.7): the Hospital OLTP system of
-- shared/seeds/000_b113040044f9af6a.txt.  The seed states 52 tables in 11 domains, 82 foreign keys, ENUMs,
-- UNIQUE business keys (MRN, NPI, license numbers), computed columns, created_at everywhere, an
-- auto-maintained updated_at, audit_logs and 15 views, but prints no DDL: this is the design, documented
-- in ../README.md (the 52-table decision, every FK action and why, the rules, the engine differences).
--
-- Files: 01_tables.sql (the 52 tables, parents first, each with its domain in the comment),
-- 01_tables_regex.sql (the business keys' grammars: CHECKs with regular expressions, a file of their own
-- because MariaDB spells them otherwise: ../mariadb/01_tables_regex.sql stands in for it there),
-- 02_foreign_keys.sql (the 82 foreign keys), 03_rules.sql (rules across rows, as triggers),
-- 04_audit.sql (audit triggers on the PHI tables), 05_views.sql (the seed's 15 views).
-- Every table has id (AUTO_INCREMENT), created_at and, except audit_logs, updated_at with
-- ON UPDATE CURRENT_TIMESTAMP.  Constraint names are the same in ../postgres/.
-- MySQL refuses a CHECK on a column that an FK's referential action may change (error 3823), so no CHECK
-- here reads an FK column.  No CREATE DATABASE / USE: the suite creates and selects the database.

-- icd10_codes: ICD-10-CM diagnosis codes (letter, two characters, optional dot and up to four more)
CREATE TABLE icd10_codes (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  code VARCHAR(8) NOT NULL,
  description VARCHAR(255) NOT NULL,
  category VARCHAR(100),
  is_billable BOOLEAN NOT NULL DEFAULT TRUE,
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  CONSTRAINT icd10_codes_code_key UNIQUE (code)
);

-- cpt_codes: CPT procedure codes (five characters: four digits and a digit, F, T or U)
CREATE TABLE cpt_codes (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  code VARCHAR(5) NOT NULL,
  description VARCHAR(255) NOT NULL,
  category ENUM('evaluation_management','anesthesia','surgery','radiology','pathology_laboratory','medicine') NOT NULL,
  base_price DECIMAL(10,2) NOT NULL DEFAULT 0.00,
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  CONSTRAINT cpt_codes_code_key UNIQUE (code),
  CONSTRAINT cpt_codes_base_price_not_negative CHECK (base_price >= 0)
);

-- facilities: hospital buildings and sites
CREATE TABLE facilities (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  facility_code VARCHAR(10) NOT NULL,
  name VARCHAR(150) NOT NULL,
  facility_type ENUM('hospital','clinic','outpatient_center','laboratory') NOT NULL,
  address_line VARCHAR(255),
  city VARCHAR(100),
  state VARCHAR(2),
  postal_code VARCHAR(10),
  phone VARCHAR(20),
  is_active BOOLEAN NOT NULL DEFAULT TRUE,
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  CONSTRAINT facilities_facility_code_key UNIQUE (facility_code)
);

-- departments: clinical and administrative departments of a facility
CREATE TABLE departments (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  facility_id INT NOT NULL,
  code VARCHAR(10) NOT NULL,
  name VARCHAR(100) NOT NULL,
  floor_number SMALLINT,
  phone VARCHAR(20),
  is_active BOOLEAN NOT NULL DEFAULT TRUE,
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  CONSTRAINT departments_code_key UNIQUE (code),
  CONSTRAINT departments_facility_name_key UNIQUE (facility_id, name)
);

-- rooms: rooms of a department
CREATE TABLE rooms (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  department_id INT NOT NULL,
  room_number VARCHAR(10) NOT NULL,
  room_type ENUM('ward','private','icu','operating','examination','emergency','imaging') NOT NULL,
  floor_number SMALLINT,
  capacity SMALLINT NOT NULL DEFAULT 1,
  is_active BOOLEAN NOT NULL DEFAULT TRUE,
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  CONSTRAINT rooms_department_room_key UNIQUE (department_id, room_number),
  CONSTRAINT rooms_capacity_range CHECK (capacity BETWEEN 1 AND 12)
);

-- users: application accounts
CREATE TABLE users (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  username VARCHAR(50) NOT NULL,
  email VARCHAR(255) NOT NULL,
  password_hash VARCHAR(255) NOT NULL,
  status ENUM('active','locked','disabled') NOT NULL DEFAULT 'active',
  last_login_at DATETIME,
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  CONSTRAINT users_username_key UNIQUE (username),
  CONSTRAINT users_email_key UNIQUE (email)
);

-- specialties: medical specialties
CREATE TABLE specialties (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name VARCHAR(100) NOT NULL,
  description VARCHAR(255),
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  CONSTRAINT specialties_name_key UNIQUE (name)
);

-- doctors: physicians on staff (NPI: 10 digits, first 1 or 2)
CREATE TABLE doctors (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  user_id INT,
  department_id INT,
  specialty_id INT NOT NULL,
  npi VARCHAR(10) NOT NULL,
  license_number VARCHAR(20) NOT NULL,
  first_name VARCHAR(100) NOT NULL,
  last_name VARCHAR(100) NOT NULL,
  email VARCHAR(255),
  phone VARCHAR(20),
  hire_date DATE,
  status ENUM('active','on_leave','inactive') NOT NULL DEFAULT 'active',
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  CONSTRAINT doctors_npi_key UNIQUE (npi),
  CONSTRAINT doctors_license_number_key UNIQUE (license_number),
  CONSTRAINT doctors_email_key UNIQUE (email),
  INDEX doctors_user_id_idx (user_id),
  INDEX doctors_department_id_idx (department_id),
  INDEX doctors_specialty_id_idx (specialty_id)
);

-- patients: patients (MRN: 'MRN' and seven digits)
CREATE TABLE patients (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  mrn VARCHAR(10) NOT NULL,
  first_name VARCHAR(100) NOT NULL,
  last_name VARCHAR(100) NOT NULL,
  date_of_birth DATE NOT NULL,
  gender ENUM('male','female','other','unknown') NOT NULL,
  blood_type ENUM('A+','A-','B+','B-','AB+','AB-','O+','O-'),
  marital_status ENUM('single','married','divorced','widowed','separated'),
  phone VARCHAR(20),
  email VARCHAR(255),
  primary_doctor_id INT,
  status ENUM('active','inactive','deceased') NOT NULL DEFAULT 'active',
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  CONSTRAINT patients_mrn_key UNIQUE (mrn),
  INDEX patients_last_name_first_name_idx (last_name, first_name),
  INDEX patients_primary_doctor_id_idx (primary_doctor_id)
);

-- appointment_types: kinds of appointment and their usual length
CREATE TABLE appointment_types (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  code VARCHAR(20) NOT NULL,
  name VARCHAR(100) NOT NULL,
  default_duration_minutes SMALLINT NOT NULL DEFAULT 30,
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  CONSTRAINT appointment_types_code_key UNIQUE (code),
  CONSTRAINT appointment_types_duration_range CHECK (default_duration_minutes BETWEEN 5 AND 480)
);

-- appointments: scheduled visits
CREATE TABLE appointments (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  patient_id INT NOT NULL,
  doctor_id INT NOT NULL,
  appointment_type_id INT NOT NULL,
  appointment_date DATE NOT NULL,
  appointment_time TIME NOT NULL,
  duration_minutes SMALLINT NOT NULL DEFAULT 30,
  status ENUM('scheduled','confirmed','checked_in','completed','cancelled','no_show') NOT NULL DEFAULT 'scheduled',
  reason VARCHAR(255),
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  INDEX appointments_appointment_date_appointment_time_idx (appointment_date, appointment_time),
  INDEX appointments_status_idx (status),
  INDEX appointments_patient_id_idx (patient_id),
  INDEX appointments_doctor_id_idx (doctor_id),
  INDEX appointments_appointment_type_id_idx (appointment_type_id),
  CONSTRAINT appointments_duration_range CHECK (duration_minutes BETWEEN 5 AND 480)
);

-- encounters: a patient's visit or stay
CREATE TABLE encounters (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  patient_id INT NOT NULL,
  doctor_id INT NOT NULL,
  department_id INT NOT NULL,
  appointment_id INT,
  encounter_type ENUM('outpatient','inpatient','emergency','telehealth') NOT NULL,
  status ENUM('active','completed','cancelled') NOT NULL DEFAULT 'active',
  start_time DATETIME NOT NULL,
  end_time DATETIME,
  chief_complaint VARCHAR(255),
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  INDEX encounters_status_idx (status),
  INDEX encounters_patient_id_idx (patient_id),
  INDEX encounters_doctor_id_idx (doctor_id),
  INDEX encounters_department_id_idx (department_id),
  INDEX encounters_appointment_id_idx (appointment_id),
  CONSTRAINT encounters_end_after_start CHECK (end_time >= start_time)
);

-- beds: beds of a room; current_encounter_id is the encounter occupying it
CREATE TABLE beds (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  room_id INT NOT NULL,
  bed_number VARCHAR(10) NOT NULL,
  bed_type ENUM('standard','icu','pediatric','bariatric','maternity') NOT NULL DEFAULT 'standard',
  status ENUM('available','occupied','cleaning','maintenance','reserved') NOT NULL DEFAULT 'available',
  current_encounter_id INT,
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  CONSTRAINT beds_room_bed_key UNIQUE (room_id, bed_number),
  INDEX beds_status_idx (status),
  INDEX beds_current_encounter_id_idx (current_encounter_id)
);

-- equipment: medical equipment items
CREATE TABLE equipment (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  department_id INT,
  asset_tag VARCHAR(20) NOT NULL,
  name VARCHAR(150) NOT NULL,
  equipment_type ENUM('imaging','monitoring','life_support','surgical','laboratory','therapy') NOT NULL,
  manufacturer VARCHAR(100),
  serial_number VARCHAR(50),
  purchase_date DATE,
  purchase_cost DECIMAL(12,2),
  status ENUM('in_service','maintenance','retired') NOT NULL DEFAULT 'in_service',
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  CONSTRAINT equipment_asset_tag_key UNIQUE (asset_tag),
  CONSTRAINT equipment_serial_number_key UNIQUE (serial_number),
  INDEX equipment_department_id_idx (department_id),
  CONSTRAINT equipment_purchase_cost_not_negative CHECK (purchase_cost >= 0)
);

-- equipment_maintenance: maintenance visits of an equipment item
CREATE TABLE equipment_maintenance (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  equipment_id INT NOT NULL,
  maintenance_type ENUM('preventive','corrective','calibration','inspection') NOT NULL,
  scheduled_date DATE NOT NULL,
  completed_date DATE,
  cost DECIMAL(10,2),
  notes TEXT,
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  INDEX equipment_maintenance_equipment_id_idx (equipment_id),
  CONSTRAINT equipment_maintenance_completed_after_scheduled CHECK (completed_date >= scheduled_date),
  CONSTRAINT equipment_maintenance_cost_not_negative CHECK (cost >= 0)
);

-- roles: application roles
CREATE TABLE roles (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name VARCHAR(50) NOT NULL,
  description VARCHAR(255),
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  CONSTRAINT roles_name_key UNIQUE (name)
);

-- user_roles: which account holds which role
CREATE TABLE user_roles (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  user_id INT NOT NULL,
  role_id INT NOT NULL,
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  CONSTRAINT user_roles_user_role_key UNIQUE (user_id, role_id),
  INDEX user_roles_role_id_idx (role_id)
);

-- nurses: nursing staff
CREATE TABLE nurses (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  user_id INT,
  department_id INT,
  license_number VARCHAR(20) NOT NULL,
  license_type ENUM('RN','LPN','NP','CNA','CRNA') NOT NULL,
  first_name VARCHAR(100) NOT NULL,
  last_name VARCHAR(100) NOT NULL,
  email VARCHAR(255),
  phone VARCHAR(20),
  hire_date DATE,
  status ENUM('active','on_leave','inactive') NOT NULL DEFAULT 'active',
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  CONSTRAINT nurses_license_number_key UNIQUE (license_number),
  INDEX nurses_user_id_idx (user_id),
  INDEX nurses_department_id_idx (department_id)
);

-- administrative_staff: administrative employees
CREATE TABLE administrative_staff (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  user_id INT,
  department_id INT,
  employee_number VARCHAR(20) NOT NULL,
  first_name VARCHAR(100) NOT NULL,
  last_name VARCHAR(100) NOT NULL,
  job_title VARCHAR(100) NOT NULL,
  email VARCHAR(255),
  phone VARCHAR(20),
  hire_date DATE,
  status ENUM('active','on_leave','inactive') NOT NULL DEFAULT 'active',
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  CONSTRAINT administrative_staff_employee_number_key UNIQUE (employee_number),
  INDEX administrative_staff_user_id_idx (user_id),
  INDEX administrative_staff_department_id_idx (department_id)
);

-- specialists: consulting specialists from outside the staff
CREATE TABLE specialists (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  specialty_id INT NOT NULL,
  npi VARCHAR(10) NOT NULL,
  license_number VARCHAR(20) NOT NULL,
  first_name VARCHAR(100) NOT NULL,
  last_name VARCHAR(100) NOT NULL,
  organization VARCHAR(150),
  email VARCHAR(255),
  phone VARCHAR(20),
  consultation_fee DECIMAL(10,2),
  is_active BOOLEAN NOT NULL DEFAULT TRUE,
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  CONSTRAINT specialists_npi_key UNIQUE (npi),
  CONSTRAINT specialists_license_number_key UNIQUE (license_number),
  INDEX specialists_specialty_id_idx (specialty_id),
  CONSTRAINT specialists_consultation_fee_not_negative CHECK (consultation_fee >= 0)
);

-- staff_shift_schedules: shifts of nurses and administrative staff
CREATE TABLE staff_shift_schedules (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  department_id INT NOT NULL,
  nurse_id INT,
  staff_id INT,
  shift_date DATE NOT NULL,
  shift_type ENUM('day','evening','night') NOT NULL,
  start_time TIME NOT NULL,
  end_time TIME NOT NULL,
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  INDEX staff_shift_schedules_shift_date_idx (shift_date),
  INDEX staff_shift_schedules_department_id_idx (department_id),
  INDEX staff_shift_schedules_nurse_id_idx (nurse_id),
  INDEX staff_shift_schedules_staff_id_idx (staff_id)
);

-- doctor_schedules: a doctor's weekly consulting hours (day 1 = Monday)
CREATE TABLE doctor_schedules (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  doctor_id INT NOT NULL,
  day_of_week SMALLINT NOT NULL,
  start_time TIME NOT NULL,
  end_time TIME NOT NULL,
  slot_minutes SMALLINT NOT NULL DEFAULT 15,
  is_active BOOLEAN NOT NULL DEFAULT TRUE,
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  CONSTRAINT doctor_schedules_doctor_day_start_key UNIQUE (doctor_id, day_of_week, start_time),
  CONSTRAINT doctor_schedules_day_of_week_range CHECK (day_of_week BETWEEN 1 AND 7),
  CONSTRAINT doctor_schedules_end_after_start CHECK (end_time > start_time),
  CONSTRAINT doctor_schedules_slot_minutes_values CHECK (slot_minutes IN (10, 15, 20, 30, 60))
);

-- patient_addresses: a patient's addresses (home, work, seasonal, ...)
CREATE TABLE patient_addresses (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  patient_id INT NOT NULL,
  address_type ENUM('home','work','seasonal','billing','mailing') NOT NULL,
  line1 VARCHAR(255) NOT NULL,
  line2 VARCHAR(255),
  city VARCHAR(100) NOT NULL,
  state VARCHAR(2) NOT NULL,
  postal_code VARCHAR(10) NOT NULL,
  country VARCHAR(50) NOT NULL DEFAULT 'USA',
  is_primary BOOLEAN NOT NULL DEFAULT FALSE,
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  INDEX patient_addresses_patient_id_idx (patient_id)
);

-- patient_emergency_contacts: people to call for a patient, in priority order
CREATE TABLE patient_emergency_contacts (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  patient_id INT NOT NULL,
  full_name VARCHAR(150) NOT NULL,
  relationship ENUM('spouse','parent','child','sibling','friend','guardian','other') NOT NULL,
  phone VARCHAR(20) NOT NULL,
  email VARCHAR(255),
  priority SMALLINT NOT NULL DEFAULT 1,
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  INDEX patient_emergency_contacts_patient_id_idx (patient_id),
  CONSTRAINT patient_emergency_contacts_priority_range CHECK (priority BETWEEN 1 AND 9)
);

-- medications: the formulary (NDC codes: 4-4-2, 5-3-2 or 5-4-1 digits)
CREATE TABLE medications (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  ndc_code VARCHAR(12) NOT NULL,
  generic_name VARCHAR(150) NOT NULL,
  brand_name VARCHAR(150),
  drug_class VARCHAR(100),
  form ENUM('tablet','capsule','liquid','injection','inhaler','topical','patch') NOT NULL,
  strength VARCHAR(50) NOT NULL,
  unit_price DECIMAL(10,2) NOT NULL,
  is_controlled BOOLEAN NOT NULL DEFAULT FALSE,
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  CONSTRAINT medications_ndc_code_key UNIQUE (ndc_code),
  CONSTRAINT medications_unit_price_not_negative CHECK (unit_price >= 0)
);

-- patient_allergies: a patient's allergies; medication_id when the allergen is a drug of the formulary
CREATE TABLE patient_allergies (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  patient_id INT NOT NULL,
  medication_id INT,
  allergen VARCHAR(100) NOT NULL,
  allergy_type ENUM('drug','food','environmental','other') NOT NULL,
  severity ENUM('mild','moderate','severe','life_threatening') NOT NULL,
  reaction VARCHAR(255),
  noted_on DATE,
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  CONSTRAINT patient_allergies_patient_allergen_key UNIQUE (patient_id, allergen),
  INDEX patient_allergies_medication_id_idx (medication_id)
);

-- appointment_cancellations: why and when an appointment was cancelled (one per appointment)
CREATE TABLE appointment_cancellations (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  appointment_id INT NOT NULL,
  cancelled_by_user_id INT,
  cancelled_at DATETIME NOT NULL,
  reason ENUM('patient_request','doctor_unavailable','weather','insurance','duplicate','other') NOT NULL,
  notes VARCHAR(255),
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  CONSTRAINT appointment_cancellations_appointment_key UNIQUE (appointment_id),
  INDEX appointment_cancellations_cancelled_by_user_id_idx (cancelled_by_user_id)
);

-- admissions: an inpatient encounter's stay in a bed
CREATE TABLE admissions (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  encounter_id INT NOT NULL,
  bed_id INT NOT NULL,
  admitted_at DATETIME NOT NULL,
  discharged_at DATETIME,
  status ENUM('active','discharged','transferred') NOT NULL DEFAULT 'active',
  admission_reason VARCHAR(255),
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  INDEX admissions_encounter_id_idx (encounter_id),
  INDEX admissions_bed_id_idx (bed_id),
  CONSTRAINT admissions_discharge_after_admission CHECK (discharged_at >= admitted_at)
);

-- vital_signs: vital signs taken during an encounter; bmi derived from height and weight
CREATE TABLE vital_signs (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  encounter_id INT NOT NULL,
  recorded_by_nurse_id INT,
  recorded_at DATETIME NOT NULL,
  temperature_c DECIMAL(4,1),
  heart_rate SMALLINT,
  systolic_bp SMALLINT,
  diastolic_bp SMALLINT,
  respiratory_rate SMALLINT,
  oxygen_saturation SMALLINT,
  height_cm DECIMAL(5,1),
  weight_kg DECIMAL(5,1),
  bmi DECIMAL(9,5) GENERATED ALWAYS AS (weight_kg * 10000 / (height_cm * height_cm)) STORED,
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  INDEX vital_signs_encounter_id_idx (encounter_id),
  INDEX vital_signs_recorded_by_nurse_id_idx (recorded_by_nurse_id),
  CONSTRAINT vital_signs_temperature_range CHECK (temperature_c BETWEEN 25.0 AND 45.0),
  CONSTRAINT vital_signs_heart_rate_range CHECK (heart_rate BETWEEN 20 AND 300),
  CONSTRAINT vital_signs_systolic_bp_range CHECK (systolic_bp BETWEEN 50 AND 300),
  CONSTRAINT vital_signs_diastolic_bp_range CHECK (diastolic_bp BETWEEN 20 AND 200),
  CONSTRAINT vital_signs_systolic_above_diastolic CHECK (systolic_bp > diastolic_bp),
  CONSTRAINT vital_signs_respiratory_rate_range CHECK (respiratory_rate BETWEEN 4 AND 80),
  CONSTRAINT vital_signs_oxygen_saturation_range CHECK (oxygen_saturation BETWEEN 50 AND 100),
  CONSTRAINT vital_signs_height_range CHECK (height_cm BETWEEN 30.0 AND 272.0),
  CONSTRAINT vital_signs_weight_range CHECK (weight_kg BETWEEN 0.5 AND 500.0)
);

-- encounter_diagnoses: ICD-10 diagnoses made in an encounter
CREATE TABLE encounter_diagnoses (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  encounter_id INT NOT NULL,
  icd10_code_id INT NOT NULL,
  diagnosis_type ENUM('primary','secondary','admitting','discharge') NOT NULL,
  diagnosed_at DATETIME,
  notes VARCHAR(255),
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  CONSTRAINT encounter_diagnoses_encounter_code_type_key UNIQUE (encounter_id, icd10_code_id, diagnosis_type),
  INDEX encounter_diagnoses_icd10_code_id_idx (icd10_code_id)
);

-- encounter_procedures: CPT procedures performed in an encounter
CREATE TABLE encounter_procedures (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  encounter_id INT NOT NULL,
  cpt_code_id INT NOT NULL,
  performed_by_doctor_id INT,
  performed_at DATETIME NOT NULL,
  quantity SMALLINT NOT NULL DEFAULT 1,
  notes VARCHAR(255),
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  INDEX encounter_procedures_encounter_id_idx (encounter_id),
  INDEX encounter_procedures_cpt_code_id_idx (cpt_code_id),
  INDEX encounter_procedures_performed_by_doctor_id_idx (performed_by_doctor_id),
  CONSTRAINT encounter_procedures_quantity_range CHECK (quantity BETWEEN 1 AND 99)
);

-- clinical_notes: notes written during an encounter
CREATE TABLE clinical_notes (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  encounter_id INT NOT NULL,
  author_user_id INT,
  note_type ENUM('progress','admission','discharge','consult','operative','nursing') NOT NULL,
  body TEXT NOT NULL,
  signed_at DATETIME,
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  INDEX clinical_notes_encounter_id_idx (encounter_id),
  INDEX clinical_notes_author_user_id_idx (author_user_id)
);

-- lab_tests: the laboratory's test catalogue (LOINC codes)
CREATE TABLE lab_tests (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  code VARCHAR(10) NOT NULL,
  name VARCHAR(150) NOT NULL,
  specimen_type ENUM('blood','urine','saliva','tissue','swab','other') NOT NULL,
  unit VARCHAR(20),
  reference_low DECIMAL(10,3),
  reference_high DECIMAL(10,3),
  price DECIMAL(10,2) NOT NULL DEFAULT 0.00,
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  CONSTRAINT lab_tests_code_key UNIQUE (code),
  CONSTRAINT lab_tests_reference_range_order CHECK (reference_low <= reference_high),
  CONSTRAINT lab_tests_price_not_negative CHECK (price >= 0)
);

-- lab_orders: a test ordered for an encounter
CREATE TABLE lab_orders (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  encounter_id INT NOT NULL,
  lab_test_id INT NOT NULL,
  ordered_by_doctor_id INT NOT NULL,
  ordered_at DATETIME NOT NULL,
  priority ENUM('routine','urgent','stat') NOT NULL DEFAULT 'routine',
  status ENUM('ordered','collected','in_progress','completed','cancelled') NOT NULL DEFAULT 'ordered',
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  INDEX lab_orders_status_idx (status),
  INDEX lab_orders_encounter_id_idx (encounter_id),
  INDEX lab_orders_lab_test_id_idx (lab_test_id),
  INDEX lab_orders_ordered_by_doctor_id_idx (ordered_by_doctor_id)
);

-- lab_results: results of a lab order
CREATE TABLE lab_results (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  lab_order_id INT NOT NULL,
  verified_by_user_id INT,
  result_value DECIMAL(12,3),
  result_text VARCHAR(255),
  abnormal_flag ENUM('normal','low','high','critical'),
  resulted_at DATETIME NOT NULL,
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  INDEX lab_results_lab_order_id_idx (lab_order_id),
  INDEX lab_results_verified_by_user_id_idx (verified_by_user_id)
);

-- radiology_orders: an imaging study ordered for an encounter
CREATE TABLE radiology_orders (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  encounter_id INT NOT NULL,
  cpt_code_id INT NOT NULL,
  ordered_by_doctor_id INT NOT NULL,
  equipment_id INT,
  modality ENUM('xray','ct','mri','ultrasound','nuclear','mammography') NOT NULL,
  body_part VARCHAR(100),
  ordered_at DATETIME NOT NULL,
  priority ENUM('routine','urgent','stat') NOT NULL DEFAULT 'routine',
  status ENUM('ordered','scheduled','in_progress','completed','cancelled') NOT NULL DEFAULT 'ordered',
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  INDEX radiology_orders_status_idx (status),
  INDEX radiology_orders_encounter_id_idx (encounter_id),
  INDEX radiology_orders_cpt_code_id_idx (cpt_code_id),
  INDEX radiology_orders_ordered_by_doctor_id_idx (ordered_by_doctor_id),
  INDEX radiology_orders_equipment_id_idx (equipment_id)
);

-- radiology_results: the radiologist's report of a study
CREATE TABLE radiology_results (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  radiology_order_id INT NOT NULL,
  radiologist_id INT,
  findings TEXT NOT NULL,
  impression VARCHAR(255),
  reported_at DATETIME NOT NULL,
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  INDEX radiology_results_radiology_order_id_idx (radiology_order_id),
  INDEX radiology_results_radiologist_id_idx (radiologist_id)
);

-- medication_interactions: pairs of medications that interact, and how badly
CREATE TABLE medication_interactions (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  medication_id INT NOT NULL,
  interacts_with_id INT NOT NULL,
  severity ENUM('minor','moderate','severe') NOT NULL,
  description VARCHAR(255),
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  CONSTRAINT medication_interactions_pair_key UNIQUE (medication_id, interacts_with_id),
  INDEX medication_interactions_interacts_with_id_idx (interacts_with_id)
);

-- medication_inventory: stock of a medication at a facility
CREATE TABLE medication_inventory (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  medication_id INT NOT NULL,
  facility_id INT NOT NULL,
  quantity_on_hand INT NOT NULL DEFAULT 0,
  reorder_level INT NOT NULL DEFAULT 0,
  lot_number VARCHAR(30),
  expiry_date DATE,
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  CONSTRAINT medication_inventory_medication_facility_key UNIQUE (medication_id, facility_id),
  INDEX medication_inventory_facility_id_idx (facility_id),
  CONSTRAINT medication_inventory_quantity_not_negative CHECK (quantity_on_hand >= 0),
  CONSTRAINT medication_inventory_reorder_level_not_negative CHECK (reorder_level >= 0)
);

-- prescriptions: a doctor's prescription for a patient
CREATE TABLE prescriptions (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  patient_id INT NOT NULL,
  doctor_id INT NOT NULL,
  encounter_id INT,
  prescribed_at DATETIME NOT NULL,
  status ENUM('active','completed','cancelled','on_hold') NOT NULL DEFAULT 'active',
  start_date DATE NOT NULL,
  end_date DATE,
  notes VARCHAR(255),
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  INDEX prescriptions_status_idx (status),
  INDEX prescriptions_patient_id_idx (patient_id),
  INDEX prescriptions_doctor_id_idx (doctor_id),
  INDEX prescriptions_encounter_id_idx (encounter_id),
  CONSTRAINT prescriptions_end_after_start CHECK (end_date >= start_date)
);

-- prescription_items: the medications of a prescription
CREATE TABLE prescription_items (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  prescription_id INT NOT NULL,
  medication_id INT NOT NULL,
  dosage VARCHAR(50) NOT NULL,
  frequency VARCHAR(50) NOT NULL,
  route ENUM('oral','iv','im','subcutaneous','topical','inhaled') NOT NULL,
  quantity INT NOT NULL,
  refills SMALLINT NOT NULL DEFAULT 0,
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  CONSTRAINT prescription_items_prescription_medication_key UNIQUE (prescription_id, medication_id),
  INDEX prescription_items_medication_id_idx (medication_id),
  CONSTRAINT prescription_items_quantity_positive CHECK (quantity > 0),
  CONSTRAINT prescription_items_refills_range CHECK (refills BETWEEN 0 AND 11)
);

-- medication_dispensations: medication handed out against a prescription item, from a stock
CREATE TABLE medication_dispensations (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  prescription_item_id INT NOT NULL,
  inventory_id INT NOT NULL,
  quantity INT NOT NULL,
  dispensed_at DATETIME NOT NULL,
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  INDEX medication_dispensations_prescription_item_id_idx (prescription_item_id),
  INDEX medication_dispensations_inventory_id_idx (inventory_id),
  CONSTRAINT medication_dispensations_quantity_positive CHECK (quantity > 0)
);

-- insurance_companies: payers
CREATE TABLE insurance_companies (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  payer_id VARCHAR(10) NOT NULL,
  name VARCHAR(150) NOT NULL,
  phone VARCHAR(20),
  email VARCHAR(255),
  is_active BOOLEAN NOT NULL DEFAULT TRUE,
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  CONSTRAINT insurance_companies_payer_id_key UNIQUE (payer_id),
  CONSTRAINT insurance_companies_name_key UNIQUE (name)
);

-- insurance_plans: a payer's plans
CREATE TABLE insurance_plans (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  company_id INT NOT NULL,
  plan_code VARCHAR(20) NOT NULL,
  name VARCHAR(150) NOT NULL,
  plan_type ENUM('HMO','PPO','EPO','POS','HDHP','Medicare','Medicaid') NOT NULL,
  deductible DECIMAL(10,2) NOT NULL DEFAULT 0.00,
  copay DECIMAL(8,2) NOT NULL DEFAULT 0.00,
  coinsurance_percent DECIMAL(5,2) NOT NULL DEFAULT 0.00,
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  CONSTRAINT insurance_plans_company_plan_code_key UNIQUE (company_id, plan_code),
  CONSTRAINT insurance_plans_deductible_not_negative CHECK (deductible >= 0),
  CONSTRAINT insurance_plans_copay_not_negative CHECK (copay >= 0),
  CONSTRAINT insurance_plans_coinsurance_range CHECK (coinsurance_percent BETWEEN 0 AND 100)
);

-- patient_insurance_policies: a patient's coverage under a plan
CREATE TABLE patient_insurance_policies (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  patient_id INT NOT NULL,
  plan_id INT NOT NULL,
  policy_number VARCHAR(30) NOT NULL,
  group_number VARCHAR(30),
  coverage_order ENUM('primary','secondary','tertiary') NOT NULL DEFAULT 'primary',
  relationship_to_insured ENUM('self','spouse','child','other') NOT NULL DEFAULT 'self',
  effective_date DATE NOT NULL,
  expiration_date DATE,
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  CONSTRAINT patient_insurance_policies_plan_policy_key UNIQUE (plan_id, policy_number),
  INDEX patient_insurance_policies_patient_id_idx (patient_id),
  CONSTRAINT patient_insurance_policies_expiry_after_effective CHECK (expiration_date >= effective_date)
);

-- invoices: a patient's bill; balance_due derived from total and paid
CREATE TABLE invoices (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  patient_id INT NOT NULL,
  encounter_id INT,
  invoice_number VARCHAR(20) NOT NULL,
  invoice_date DATE NOT NULL,
  due_date DATE NOT NULL,
  total_amount DECIMAL(12,2) NOT NULL DEFAULT 0.00,
  paid_amount DECIMAL(12,2) NOT NULL DEFAULT 0.00,
  balance_due DECIMAL(12,2) GENERATED ALWAYS AS (total_amount - paid_amount) STORED,
  status ENUM('draft','issued','partially_paid','paid','void','overdue') NOT NULL DEFAULT 'issued',
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  CONSTRAINT invoices_invoice_number_key UNIQUE (invoice_number),
  INDEX invoices_status_idx (status),
  INDEX invoices_patient_id_idx (patient_id),
  INDEX invoices_encounter_id_idx (encounter_id),
  CONSTRAINT invoices_due_after_invoice CHECK (due_date >= invoice_date),
  CONSTRAINT invoices_total_not_negative CHECK (total_amount >= 0),
  CONSTRAINT invoices_paid_within_total CHECK (paid_amount >= 0 AND paid_amount <= total_amount)
);

-- insurance_claims: a claim for an invoice under a policy
CREATE TABLE insurance_claims (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  policy_id INT NOT NULL,
  invoice_id INT NOT NULL,
  claim_number VARCHAR(20) NOT NULL,
  submitted_date DATE NOT NULL,
  claim_amount DECIMAL(12,2) NOT NULL,
  approved_amount DECIMAL(12,2),
  status ENUM('draft','submitted','in_review','approved','partially_approved','denied','paid') NOT NULL DEFAULT 'submitted',
  decision_date DATE,
  denial_reason VARCHAR(255),
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  CONSTRAINT insurance_claims_claim_number_key UNIQUE (claim_number),
  INDEX insurance_claims_status_idx (status),
  INDEX insurance_claims_policy_id_idx (policy_id),
  INDEX insurance_claims_invoice_id_idx (invoice_id),
  CONSTRAINT insurance_claims_claim_amount_positive CHECK (claim_amount > 0),
  CONSTRAINT insurance_claims_approved_within_claim CHECK (approved_amount >= 0 AND approved_amount <= claim_amount),
  CONSTRAINT insurance_claims_decision_after_submission CHECK (decision_date >= submitted_date)
);

-- invoice_items: the lines of an invoice; line_total = quantity x unit_price
CREATE TABLE invoice_items (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  invoice_id INT NOT NULL,
  cpt_code_id INT,
  description VARCHAR(255) NOT NULL,
  quantity INT NOT NULL DEFAULT 1,
  unit_price DECIMAL(10,2) NOT NULL,
  line_total DECIMAL(14,2) GENERATED ALWAYS AS (quantity * unit_price) STORED,
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  INDEX invoice_items_invoice_id_idx (invoice_id),
  INDEX invoice_items_cpt_code_id_idx (cpt_code_id),
  CONSTRAINT invoice_items_quantity_positive CHECK (quantity > 0),
  CONSTRAINT invoice_items_unit_price_not_negative CHECK (unit_price >= 0)
);

-- claim_items: the invoice lines a claim covers
CREATE TABLE claim_items (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  claim_id INT NOT NULL,
  invoice_item_id INT NOT NULL,
  billed_amount DECIMAL(12,2) NOT NULL,
  allowed_amount DECIMAL(12,2),
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  CONSTRAINT claim_items_claim_invoice_item_key UNIQUE (claim_id, invoice_item_id),
  INDEX claim_items_invoice_item_id_idx (invoice_item_id),
  CONSTRAINT claim_items_billed_not_negative CHECK (billed_amount >= 0),
  CONSTRAINT claim_items_allowed_within_billed CHECK (allowed_amount >= 0 AND allowed_amount <= billed_amount)
);

-- pre_authorizations: a payer's approval of a procedure before it is done
CREATE TABLE pre_authorizations (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  policy_id INT NOT NULL,
  cpt_code_id INT NOT NULL,
  authorization_number VARCHAR(30) NOT NULL,
  requested_date DATE NOT NULL,
  valid_from DATE,
  valid_until DATE,
  status ENUM('pending','approved','denied','expired') NOT NULL DEFAULT 'pending',
  approved_units SMALLINT,
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  CONSTRAINT pre_authorizations_authorization_number_key UNIQUE (authorization_number),
  INDEX pre_authorizations_policy_id_idx (policy_id),
  INDEX pre_authorizations_cpt_code_id_idx (cpt_code_id),
  CONSTRAINT pre_authorizations_valid_until_after_from CHECK (valid_until >= valid_from),
  CONSTRAINT pre_authorizations_approved_units_not_negative CHECK (approved_units >= 0)
);

-- payment_transactions: money received against an invoice (from the patient or a claim)
CREATE TABLE payment_transactions (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  invoice_id INT NOT NULL,
  claim_id INT,
  amount DECIMAL(12,2) NOT NULL,
  method ENUM('cash','card','check','insurance','bank_transfer') NOT NULL,
  paid_at DATETIME NOT NULL,
  reference_number VARCHAR(50),
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  CONSTRAINT payment_transactions_reference_number_key UNIQUE (reference_number),
  INDEX payment_transactions_invoice_id_idx (invoice_id),
  INDEX payment_transactions_claim_id_idx (claim_id),
  CONSTRAINT payment_transactions_amount_positive CHECK (amount > 0)
);

-- audit_logs: one row per change of a PHI table, written by the audit triggers
CREATE TABLE audit_logs (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  table_name VARCHAR(64) NOT NULL,
  operation ENUM('INSERT','UPDATE','DELETE') NOT NULL,
  row_id BIGINT NOT NULL,
  db_user VARCHAR(288) NOT NULL,
  app_user_id INT,
  old_values JSON,
  new_values JSON,
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  INDEX audit_logs_table_name_row_id_idx (table_name, row_id)
);
