-- hospital_oltp pack, MySQL dialect: the business keys' grammars (ICD-10, CPT, NPI, MRN, NDC, LOINC), as
-- CHECKs with regular expressions on the tables of 01_tables.sql.  A file of its own because MariaDB spells
-- them differently: ../mariadb/01_tables_regex.sql replaces this file there, and MariaDB reads every other
-- file of this folder as it is.
--
-- Regular expressions use REGEXP_LIKE(..., 'c'): case-sensitive whatever the column's collation, as
-- PostgreSQL's ~ is ('mrn0000001' is not an MRN), and only the syntax both engines read alike ([0-9], not \d).

ALTER TABLE icd10_codes ADD CONSTRAINT icd10_codes_code_format CHECK (REGEXP_LIKE(code, '^[A-TV-Z][0-9][0-9A-Z]([.][0-9A-Z]{1,4})?$', 'c'));
ALTER TABLE cpt_codes ADD CONSTRAINT cpt_codes_code_format CHECK (REGEXP_LIKE(code, '^[0-9]{4}[0-9FTU]$', 'c'));
ALTER TABLE doctors ADD CONSTRAINT doctors_npi_format CHECK (REGEXP_LIKE(npi, '^[12][0-9]{9}$', 'c'));
ALTER TABLE patients ADD CONSTRAINT patients_mrn_format CHECK (REGEXP_LIKE(mrn, '^MRN[0-9]{7}$', 'c'));
ALTER TABLE specialists ADD CONSTRAINT specialists_npi_format CHECK (REGEXP_LIKE(npi, '^[12][0-9]{9}$', 'c'));
ALTER TABLE medications ADD CONSTRAINT medications_ndc_format CHECK (REGEXP_LIKE(ndc_code, '^([0-9]{4}-[0-9]{4}-[0-9]{2}|[0-9]{5}-[0-9]{3}-[0-9]{2}|[0-9]{5}-[0-9]{4}-[0-9])$', 'c'));
ALTER TABLE lab_tests ADD CONSTRAINT lab_tests_code_format CHECK (REGEXP_LIKE(code, '^[1-9][0-9]{0,6}-[0-9]$', 'c'));
