-- lm_synth pack, MariaDB dialect: stands in for ../mysql/01_schema.sql, the same tables, columns, keys and
-- rules with the same names, so all engines snapshot to one contract.yml.  Every table differs from the
-- MySQL file in one of two spellings (../README.md, "MariaDB"):
--
-- Collation: the seed's utf8mb4_0900_ai_ci is unknown to MariaDB 10.11 (ERROR 1273).  MariaDB's
-- utf8mb4_uca1400_nopad_ai_ci (10.10 and newer) is the same kind of collation (Unicode Collation Algorithm,
-- accent- and case-insensitive, NO PAD: 'a' and 'a ' differ), and compares as MariaDB 11.8 compares
-- utf8mb4_0900_ai_ci; each table states it, as the MySQL file states the seed's.
--
-- Regular expressions (the UUID keys' canonical form, the site-code grammar) are REGEXP '(?-i)...': MariaDB
-- has no REGEXP_LIKE; (?-i) makes the match case-sensitive as 'c' does on MySQL.  The UUID keys are MySQL's
-- CHAR(36) stand-in, which introspection reads as the contract type `uuid`, not MariaDB's own UUID type:
-- that type refuses a quarter of all 128-bit values (version nibble 8-f with variant nibble 0-7, ERROR 1292),
-- which PostgreSQL's uuid and the MySQL stand-in accept.

-- Dimension: the 12 fictional facilities (codes such as LM-SNW, LM-BLH).
CREATE TABLE dim_site (
  site_id INT AUTO_INCREMENT PRIMARY KEY,
  site_code VARCHAR(6) NOT NULL,
  site_name VARCHAR(100) NOT NULL,
  CONSTRAINT dim_site_code_unique UNIQUE (site_code),
  CONSTRAINT dim_site_name_unique UNIQUE (site_name),
  CONSTRAINT dim_site_code_format CHECK (site_code REGEXP '(?-i)^LM-[A-Z]{3}$')
) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_uca1400_nopad_ai_ci;

-- Dimension: the 16 healthcare programs (Medicine, Surgery, Emergency, ...).
CREATE TABLE dim_program (
  program_id INT AUTO_INCREMENT PRIMARY KEY,
  program_name VARCHAR(60) NOT NULL,
  CONSTRAINT dim_program_name_unique UNIQUE (program_name)
) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_uca1400_nopad_ai_ci;

-- Dimension: subprograms, 3 per program in the seed's data.  (subprogram_id, program_id) is unique so that
-- an inpatient stay can name both and the database proves they belong together.
CREATE TABLE dim_subprogram (
  subprogram_id INT AUTO_INCREMENT PRIMARY KEY,
  program_id INT NOT NULL,
  subprogram_name VARCHAR(100) NOT NULL,
  CONSTRAINT dim_subprogram_name_unique UNIQUE (program_id, subprogram_name),
  CONSTRAINT dim_subprogram_pair_unique UNIQUE (subprogram_id, program_id),
  CONSTRAINT dim_subprogram_program_fk FOREIGN KEY (program_id) REFERENCES dim_program (program_id)
    ON DELETE CASCADE
) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_uca1400_nopad_ai_ci;

-- Dimension: the 12 fictional Local Health Areas, each mapped to its default facility.  A facility that
-- still serves an LHA cannot be deleted.
CREATE TABLE dim_lha (
  lha_id INT AUTO_INCREMENT PRIMARY KEY,
  lha_name VARCHAR(60) NOT NULL,
  default_site_id INT NOT NULL,
  CONSTRAINT dim_lha_name_unique UNIQUE (lha_name),
  CONSTRAINT dim_lha_default_site_fk FOREIGN KEY (default_site_id) REFERENCES dim_site (site_id)
    ON DELETE RESTRICT
) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_uca1400_nopad_ai_ci;

-- Reference: population forecasts, one row per year (2025-2034) x LHA x age group x gender.
CREATE TABLE population_projection (
  year SMALLINT NOT NULL,
  lha_id INT NOT NULL,
  age_group VARCHAR(5) NOT NULL,
  gender CHAR(1) NOT NULL,
  population INT NOT NULL,
  PRIMARY KEY (year, lha_id, age_group, gender),
  CONSTRAINT population_projection_lha_fk FOREIGN KEY (lha_id) REFERENCES dim_lha (lha_id) ON DELETE CASCADE,
  CONSTRAINT population_projection_year_range CHECK (year BETWEEN 2025 AND 2034),
  CONSTRAINT population_projection_age_group CHECK (age_group IN ('0-4', '5-14', '15-24', '25-44', '45-64', '65-74', '75+')),
  CONSTRAINT population_projection_gender CHECK (gender IN ('F', 'M')),
  CONSTRAINT population_projection_population CHECK (population >= 0)
) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_uca1400_nopad_ai_ci;

-- Reference: ED utilisation per 1000 population, one row per LHA x age group x gender (the projection's key
-- without the year), with the ED service that age group is seen in: Pediatric for 0-14, Adult from 15.
CREATE TABLE ed_baseline_rates (
  lha_id INT NOT NULL,
  age_group VARCHAR(5) NOT NULL,
  gender CHAR(1) NOT NULL,
  ed_subservice VARCHAR(10) NOT NULL,
  baserate_per_1000 DECIMAL(8,3) NOT NULL,
  PRIMARY KEY (lha_id, age_group, gender),
  CONSTRAINT ed_baseline_rates_lha_fk FOREIGN KEY (lha_id) REFERENCES dim_lha (lha_id) ON DELETE CASCADE,
  CONSTRAINT ed_baseline_rates_age_group CHECK (age_group IN ('0-4', '5-14', '15-24', '25-44', '45-64', '65-74', '75+')),
  CONSTRAINT ed_baseline_rates_gender CHECK (gender IN ('F', 'M')),
  CONSTRAINT ed_baseline_rates_rate CHECK (baserate_per_1000 >= 0 AND baserate_per_1000 <= 1000),
  CONSTRAINT ed_baseline_rates_subservice CHECK (
    (ed_subservice = 'Pediatric' AND age_group IN ('0-4', '5-14'))
    OR (ed_subservice = 'Adult' AND age_group IN ('15-24', '25-44', '45-64', '65-74', '75+')))
) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_uca1400_nopad_ai_ci;

-- Fact: ~1000 synthetic patients, UUID keys, the LHA they live in and their home facility.  age_group is
-- derived from age by the database (the bands of the projections), so the two never disagree.
CREATE TABLE patients (
  patient_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,
  age SMALLINT NOT NULL,
  age_group VARCHAR(5) GENERATED ALWAYS AS (
    CASE WHEN age < 5 THEN '0-4' WHEN age < 15 THEN '5-14' WHEN age < 25 THEN '15-24'
         WHEN age < 45 THEN '25-44' WHEN age < 65 THEN '45-64' WHEN age < 75 THEN '65-74' ELSE '75+' END) STORED,
  gender CHAR(1) NOT NULL,
  lha_id INT NOT NULL,
  facility_home_id INT NOT NULL,
  CONSTRAINT patients_patient_id_uuid CHECK (patient_id REGEXP '(?-i)^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'),
  CONSTRAINT patients_age_range CHECK (age BETWEEN 0 AND 120),
  CONSTRAINT patients_gender CHECK (gender IN ('F', 'M')),
  CONSTRAINT patients_lha_fk FOREIGN KEY (lha_id) REFERENCES dim_lha (lha_id),
  CONSTRAINT patients_home_site_fk FOREIGN KEY (facility_home_id) REFERENCES dim_site (site_id),
  INDEX idx_patients_age_group (age_group, gender)
) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_uca1400_nopad_ai_ci;

-- Fact: ~2000 ED visits: where, when (arrival, departure), how urgent (CTAS acuity 1-5), how it ended, and
-- the ED service (Pediatric or Adult) that saw the patient.  A patient's encounters go with the patient.
CREATE TABLE ed_encounters (
  encounter_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,
  patient_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  site_id INT NOT NULL,
  arrival_ts DATETIME NOT NULL,
  departure_ts DATETIME,
  acuity SMALLINT NOT NULL,
  disposition VARCHAR(20) NOT NULL,
  ed_subservice VARCHAR(10) NOT NULL,
  CONSTRAINT ed_encounters_encounter_id_uuid CHECK (encounter_id REGEXP '(?-i)^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'),
  CONSTRAINT ed_encounters_patient_id_uuid CHECK (patient_id REGEXP '(?-i)^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'),
  CONSTRAINT ed_encounters_patient_fk FOREIGN KEY (patient_id) REFERENCES patients (patient_id) ON DELETE CASCADE,
  CONSTRAINT ed_encounters_site_fk FOREIGN KEY (site_id) REFERENCES dim_site (site_id),
  CONSTRAINT ed_encounters_departure CHECK (departure_ts >= arrival_ts),
  CONSTRAINT ed_encounters_acuity CHECK (acuity BETWEEN 1 AND 5),
  CONSTRAINT ed_encounters_disposition CHECK (disposition IN ('Discharged', 'Admitted', 'Transferred', 'Left', 'Deceased')),
  CONSTRAINT ed_encounters_subservice CHECK (ed_subservice IN ('Adult', 'Pediatric')),
  INDEX idx_ed_encounters_arrival (arrival_ts)
) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_uca1400_nopad_ai_ci;

-- Fact: inpatient stays: where, which program and subprogram (which must belong together), when, how many
-- days, and whether the stay had Alternate Level of Care days (a patient who no longer needs acute care
-- waiting for a bed elsewhere).
CREATE TABLE ip_stays (
  stay_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,
  patient_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  site_id INT NOT NULL,
  program_id INT NOT NULL,
  subprogram_id INT NOT NULL,
  admission_date DATE NOT NULL,
  length_of_stay INT NOT NULL,
  alc_flag BOOLEAN NOT NULL DEFAULT FALSE,
  CONSTRAINT ip_stays_stay_id_uuid CHECK (stay_id REGEXP '(?-i)^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'),
  CONSTRAINT ip_stays_patient_id_uuid CHECK (patient_id REGEXP '(?-i)^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'),
  CONSTRAINT ip_stays_patient_fk FOREIGN KEY (patient_id) REFERENCES patients (patient_id) ON DELETE CASCADE,
  CONSTRAINT ip_stays_site_fk FOREIGN KEY (site_id) REFERENCES dim_site (site_id),
  CONSTRAINT ip_stays_program_fk FOREIGN KEY (program_id) REFERENCES dim_program (program_id),
  CONSTRAINT ip_stays_subprogram_fk FOREIGN KEY (subprogram_id, program_id)
    REFERENCES dim_subprogram (subprogram_id, program_id),
  CONSTRAINT ip_stays_length_of_stay CHECK (length_of_stay BETWEEN 0 AND 365)
) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_uca1400_nopad_ai_ci;
