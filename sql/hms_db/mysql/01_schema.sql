-- hms_db pack, MySQL dialect (MySQL 8.0.19 and newer): the Hospital Management System of
-- shared/seeds/002_2de930d3db3a21b7.txt ("The database (hms_db) consists of three primary tables"):
-- patients (custom identifiers such as HMS/001), doctors (specialization, department) and
-- appointments, the junction of the two with a date and a status.  The seed names the tables and their
-- roles but prints no DDL, so the columns below are the ones its text describes; lengths are the
-- "string length constraints" its upload ran into, written down.
--
-- The rules (identifier grammar and assignment, Ugandan phone numbers) are in 02_rules.sql and
-- documented in ../README.md.  No CREATE DATABASE / USE: the suite creates and selects the database.

-- The counters behind the identifiers the database assigns (patients: HMS/001, HMS/002, ...).  One row
-- per counter, created by the first identifier it hands out; it only ever grows.
CREATE TABLE hms_id_counters (
  counter_name VARCHAR(30) PRIMARY KEY,
  last_issued INT NOT NULL,
  CONSTRAINT hms_id_counters_last_issued_range CHECK (last_issued BETWEEN 1 AND 99999999)
);

-- 1. Patients: demographic data with custom identifiers (e.g. HMS/001).
CREATE TABLE patients (
  patient_id VARCHAR(12) NOT NULL PRIMARY KEY,
  first_name VARCHAR(50) NOT NULL,
  last_name VARCHAR(50) NOT NULL,
  gender ENUM('Male', 'Female') NOT NULL,
  date_of_birth DATE NOT NULL,
  phone VARCHAR(13) NOT NULL,
  email VARCHAR(100),
  address VARCHAR(255),
  registered_on DATE NOT NULL,
  INDEX idx_patients_name (last_name, first_name)
);

-- 2. Doctors: categorized by specialization and department.
CREATE TABLE doctors (
  doctor_id INT AUTO_INCREMENT PRIMARY KEY,
  first_name VARCHAR(50) NOT NULL,
  last_name VARCHAR(50) NOT NULL,
  specialization VARCHAR(100) NOT NULL,
  department VARCHAR(100) NOT NULL,
  phone VARCHAR(13),
  email VARCHAR(100) UNIQUE,
  INDEX idx_doctors_department (department)
);

-- 3. Appointments: links patients to doctors with a date and a status.  Referential integrity: no
-- appointment for a patient or doctor that does not exist, and neither can be deleted while it has one.
CREATE TABLE appointments (
  appointment_id INT AUTO_INCREMENT PRIMARY KEY,
  patient_id VARCHAR(12) NOT NULL,
  doctor_id INT NOT NULL,
  appointment_date DATE NOT NULL,
  status ENUM('Scheduled', 'Completed', 'Cancelled', 'No-Show') NOT NULL DEFAULT 'Scheduled',
  reason VARCHAR(255),
  CONSTRAINT appointments_patient_fk FOREIGN KEY (patient_id) REFERENCES patients (patient_id),
  CONSTRAINT appointments_doctor_fk FOREIGN KEY (doctor_id) REFERENCES doctors (doctor_id),
  INDEX idx_appointments_date (appointment_date),
  INDEX idx_appointments_status (status)
);
