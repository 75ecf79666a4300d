-- chirona pack, MySQL dialect (MySQL 8.0.19 and newer): the schema of ../postgres/01_schema.sql, which is
-- the original (the seed targets PostgreSQL); same tables, columns in the same order, keys and rules, so
-- both dialects snapshot to one contract.yml.  The seed's namespace "ChironaSchema" is a database here:
-- the suite maps CREATE DATABASE / USE onto the run's own database, and the contract names tables bare
-- on both engines (../README.md, "Names").  MySQL has no exclusion constraints: 02_rules_locking.sql enforces
-- no double booking with triggers of the same behaviour.

CREATE DATABASE IF NOT EXISTS ChironaSchema;
USE ChironaSchema;

CREATE TABLE Staff (
  StaffID INT AUTO_INCREMENT PRIMARY KEY,
  FirstName VARCHAR(50) NOT NULL,
  LastName VARCHAR(50) NOT NULL,
  Role VARCHAR(20) NOT NULL,
  Email VARCHAR(100) UNIQUE,
  Phone VARCHAR(20),
  HireDate DATE NOT NULL,
  CONSTRAINT Staff_role CHECK (Role IN ('Doctor', 'Nurse', 'Admin', 'Technician', 'Pharmacist'))
);

CREATE TABLE Doctor (
  DoctorID INT PRIMARY KEY,
  Specialization VARCHAR(100) NOT NULL,
  CONSTRAINT Doctor_staff_fk FOREIGN KEY (DoctorID) REFERENCES Staff (StaffID) ON DELETE CASCADE
);

CREATE TABLE AdminStaff (
  AdminID INT PRIMARY KEY,
  Username VARCHAR(50) NOT NULL UNIQUE,
  CONSTRAINT AdminStaff_staff_fk FOREIGN KEY (AdminID) REFERENCES Staff (StaffID) ON DELETE CASCADE
);

CREATE TABLE Patient (
  PatientID INT AUTO_INCREMENT PRIMARY KEY,
  FirstName VARCHAR(50) NOT NULL,
  LastName VARCHAR(50) NOT NULL,
  DateOfBirth DATE NOT NULL,
  Gender VARCHAR(10) NOT NULL,
  Phone VARCHAR(20),
  Address VARCHAR(255),
  CONSTRAINT Patient_gender CHECK (Gender IN ('Male', 'Female', 'Other'))
);

CREATE TABLE Appointment (
  AppointmentID INT AUTO_INCREMENT PRIMARY KEY,
  PatientID INT NOT NULL,
  DoctorID INT NOT NULL,
  StartTime DATETIME NOT NULL,
  EndTime DATETIME NOT NULL,
  Status VARCHAR(20) NOT NULL DEFAULT 'Scheduled',
  Reason VARCHAR(255),
  CONSTRAINT Appointment_patient_fk FOREIGN KEY (PatientID) REFERENCES Patient (PatientID) ON DELETE CASCADE,
  CONSTRAINT Appointment_doctor_fk FOREIGN KEY (DoctorID) REFERENCES Doctor (DoctorID) ON DELETE CASCADE,
  CONSTRAINT Appointment_status CHECK (Status IN ('Scheduled', 'Completed', 'Cancelled', 'No-Show')),
  CONSTRAINT Appointment_period CHECK (EndTime > StartTime AND EndTime <= StartTime + INTERVAL 1 DAY),
  INDEX Appointment_patient (PatientID),
  INDEX Appointment_doctor (DoctorID)
);

CREATE TABLE MedicalTest (
  TestID INT AUTO_INCREMENT PRIMARY KEY,
  PatientID INT NOT NULL,
  TestName VARCHAR(100) NOT NULL,
  TestDate DATETIME NOT NULL,
  Result VARCHAR(255),
  Cost DECIMAL(12,2) NOT NULL,
  CONSTRAINT MedicalTest_patient_fk FOREIGN KEY (PatientID) REFERENCES Patient (PatientID) ON DELETE CASCADE,
  CONSTRAINT MedicalTest_cost CHECK (Cost >= 0),
  INDEX MedicalTest_patient (PatientID)
);

CREATE TABLE Room (
  RoomID INT AUTO_INCREMENT PRIMARY KEY,
  RoomNumber VARCHAR(10) NOT NULL UNIQUE,
  RoomType VARCHAR(20) NOT NULL,
  Capacity INT NOT NULL DEFAULT 1,
  DailyRate DECIMAL(10,2) NOT NULL,
  CONSTRAINT Room_type CHECK (RoomType IN ('General', 'Private', 'ICU', 'Maternity', 'Surgery')),
  CONSTRAINT Room_capacity CHECK (Capacity BETWEEN 1 AND 20),
  CONSTRAINT Room_rate CHECK (DailyRate >= 0)
);

CREATE TABLE Admission (
  AdmissionID INT AUTO_INCREMENT PRIMARY KEY,
  PatientID INT NOT NULL,
  RoomID INT NOT NULL,
  AdmittedAt DATETIME NOT NULL,
  DischargedAt DATETIME,
  TransferredFrom INT UNIQUE,
  CONSTRAINT Admission_patient_fk FOREIGN KEY (PatientID) REFERENCES Patient (PatientID) ON DELETE CASCADE,
  CONSTRAINT Admission_room_fk FOREIGN KEY (RoomID) REFERENCES Room (RoomID),
  CONSTRAINT Admission_transfer_fk FOREIGN KEY (TransferredFrom) REFERENCES Admission (AdmissionID),
  CONSTRAINT Admission_order CHECK (DischargedAt IS NULL OR DischargedAt > AdmittedAt),
  INDEX Admission_patient (PatientID),
  INDEX Admission_room (RoomID)
);

CREATE TABLE Treatment (
  TreatmentID INT AUTO_INCREMENT PRIMARY KEY,
  PatientID INT NOT NULL,
  DoctorID INT NOT NULL,
  AdmissionID INT,
  Diagnosis VARCHAR(255) NOT NULL,
  Medication VARCHAR(255),
  ProcedureName VARCHAR(255),
  TreatmentDate DATETIME NOT NULL,
  Cost DECIMAL(12,2) NOT NULL,
  CONSTRAINT Treatment_patient_fk FOREIGN KEY (PatientID) REFERENCES Patient (PatientID) ON DELETE CASCADE,
  CONSTRAINT Treatment_doctor_fk FOREIGN KEY (DoctorID) REFERENCES Doctor (DoctorID),
  CONSTRAINT Treatment_admission_fk FOREIGN KEY (AdmissionID) REFERENCES Admission (AdmissionID) ON DELETE SET NULL,
  CONSTRAINT Treatment_cost CHECK (Cost >= 0),
  INDEX Treatment_patient (PatientID),
  INDEX Treatment_doctor (DoctorID),
  INDEX Treatment_admission (AdmissionID)
);

-- The tax rate lives on the invoice (TaxRate, 5 % by default); tax and total are stored generated columns.
CREATE TABLE Invoice (
  InvoiceID INT AUTO_INCREMENT PRIMARY KEY,
  PatientID INT NOT NULL,
  InvoiceDate DATE NOT NULL,
  Subtotal DECIMAL(12,2) NOT NULL DEFAULT 0,
  TaxRate DECIMAL(5,4) NOT NULL DEFAULT 0.0500,
  TaxAmount DECIMAL(12,2) GENERATED ALWAYS AS (ROUND(Subtotal * TaxRate, 2)) STORED,
  TotalAmount DECIMAL(12,2) GENERATED ALWAYS AS (Subtotal + ROUND(Subtotal * TaxRate, 2)) STORED,
  CONSTRAINT Invoice_patient_fk FOREIGN KEY (PatientID) REFERENCES Patient (PatientID),
  CONSTRAINT Invoice_subtotal CHECK (Subtotal >= 0),
  CONSTRAINT Invoice_tax_rate CHECK (TaxRate >= 0 AND TaxRate <= 0.5),
  INDEX Invoice_patient (PatientID)
);

CREATE TABLE TreatmentInvoice (
  InvoiceID INT NOT NULL,
  TreatmentID INT NOT NULL UNIQUE,
  PRIMARY KEY (InvoiceID, TreatmentID),
  CONSTRAINT TreatmentInvoice_invoice_fk FOREIGN KEY (InvoiceID) REFERENCES Invoice (InvoiceID) ON DELETE CASCADE,
  CONSTRAINT TreatmentInvoice_treatment_fk FOREIGN KEY (TreatmentID) REFERENCES Treatment (TreatmentID)
);

CREATE TABLE MedicalTestInvoice (
  InvoiceID INT NOT NULL,
  TestID INT NOT NULL UNIQUE,
  PRIMARY KEY (InvoiceID, TestID),
  CONSTRAINT MedicalTestInvoice_invoice_fk FOREIGN KEY (InvoiceID) REFERENCES Invoice (InvoiceID) ON DELETE CASCADE,
  CONSTRAINT MedicalTestInvoice_test_fk FOREIGN KEY (TestID) REFERENCES MedicalTest (TestID)
);

CREATE TABLE Payment (
  PaymentID INT AUTO_INCREMENT PRIMARY KEY,
  InvoiceID INT NOT NULL,
  PaymentDate DATETIME NOT NULL,
  Amount DECIMAL(12,2) NOT NULL,
  Method VARCHAR(20) NOT NULL,
  CONSTRAINT Payment_invoice_fk FOREIGN KEY (InvoiceID) REFERENCES Invoice (InvoiceID),
  CONSTRAINT Payment_amount CHECK (Amount > 0),
  CONSTRAINT Payment_method CHECK (Method IN ('Cash', 'Card', 'Insurance', 'Transfer')),
  INDEX Payment_invoice (InvoiceID)
);

CREATE TABLE Shift (
  ShiftID INT AUTO_INCREMENT PRIMARY KEY,
  ShiftName VARCHAR(20) NOT NULL,
  StartTime DATETIME NOT NULL,
  EndTime DATETIME NOT NULL,
  CONSTRAINT Shift_period CHECK (EndTime > StartTime AND EndTime <= StartTime + INTERVAL 1 DAY),
  CONSTRAINT Shift_period_key UNIQUE (ShiftID, StartTime, EndTime)
);

CREATE TABLE ShiftAssignment (
  AssignmentID INT AUTO_INCREMENT PRIMARY KEY,
  ShiftID INT NOT NULL,
  StaffID INT NOT NULL,
  ShiftStart DATETIME NOT NULL,
  ShiftEnd DATETIME NOT NULL,
  CONSTRAINT ShiftAssignment_shift_fk FOREIGN KEY (ShiftID, ShiftStart, ShiftEnd)
    REFERENCES Shift (ShiftID, StartTime, EndTime) ON DELETE CASCADE,
  CONSTRAINT ShiftAssignment_staff_fk FOREIGN KEY (StaffID) REFERENCES Staff (StaffID) ON DELETE CASCADE,
  INDEX ShiftAssignment_staff (StaffID),
  INDEX ShiftAssignment_shift (ShiftID, ShiftStart, ShiftEnd)
);
