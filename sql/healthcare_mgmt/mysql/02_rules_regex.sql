-- healthcare_mgmt pack, MySQL dialect: the business rules written as regular expressions (see 02_rules.sql).
-- A file of their own because MariaDB spells them differently: ../mariadb/02_rules_regex.sql replaces this
-- file there, and MariaDB reads every other file of this folder as it is.
--
-- Regular expressions use REGEXP_LIKE(..., 'c'): case-sensitive whatever the column's collation, as
-- PostgreSQL's ~ is ('bid' is not 'BID'), and only the syntax both engines read alike ([0-9], not \d).

-- Rule 2: prescriptions must have a valid dosage and frequency.
ALTER TABLE prescriptions
  ADD CONSTRAINT prescriptions_dosage_grammar CHECK (REGEXP_LIKE(dosage,
    '^([1-9][0-9]{0,4}([.][0-9]{1,3})?|0[.][0-9]{0,2}[1-9]) (mg|mcg|g|mL|units|mEq|tablets?|capsules?|puffs?|sprays?|drops?)$', 'c')),
  ADD CONSTRAINT prescriptions_frequency_vocabulary CHECK (REGEXP_LIKE(frequency,
    '^(once daily|BID|TID|QID|q4h|q6h|q8h|q12h|at bedtime|weekly|PRN|q4h PRN|q6h PRN|q8h PRN)$', 'c'));
