-- hospital_oltp pack, MariaDB dialect: stands in for ../mysql/01_tables_regex.sql (the pack's other MariaDB
-- DDL is ../mysql/'s, read as it is: see ../README.md, "MariaDB").
--
-- MariaDB has no REGEXP_LIKE (and refuses it in a CHECK, ERROR 1901).  Its REGEXP is PCRE and follows the
-- column's collation, case-insensitive here; the inline flag (?-i) makes the match case-sensitive, as
-- MySQL's REGEXP_LIKE(..., 'c') and PostgreSQL's ~ are ('mrn0000001' is not an MRN).  The patterns are the same.

ALTER TABLE icd10_codes ADD CONSTRAINT icd10_codes_code_format CHECK (code REGEXP '(?-i)^[A-TV-Z][0-9][0-9A-Z]([.][0-9A-Z]{1,4})?$');
ALTER TABLE cpt_codes ADD CONSTRAINT cpt_codes_code_format CHECK (code REGEXP '(?-i)^[0-9]{4}[0-9FTU]$');
ALTER TABLE doctors ADD CONSTRAINT doctors_npi_format CHECK (npi REGEXP '(?-i)^[12][0-9]{9}$');
ALTER TABLE patients ADD CONSTRAINT patients_mrn_format CHECK (mrn REGEXP '(?-i)^MRN[0-9]{7}$');
ALTER TABLE specialists ADD CONSTRAINT specialists_npi_format CHECK (npi REGEXP '(?-i)^[12][0-9]{9}$');
ALTER TABLE medications ADD CONSTRAINT medications_ndc_format CHECK (ndc_code REGEXP '(?-i)^([0-9]{4}-[0-9]{4}-[0-9]{2}|[0-9]{5}-[0-9]{3}-[0-9]{2}|[0-9]{5}-[0-9]{4}-[0-9])$');
ALTER TABLE lab_tests ADD CONSTRAINT lab_tests_code_format CHECK (code REGEXP '(?-i)^[1-9][0-9]{0,6}-[0-9]$');
