-- healthcare_mgmt pack, MariaDB dialect: stands in for ../mysql/02_rules_regex.sql (the pack's other MariaDB
-- DDL is ../mysql/'s, read as it is: see the README's engine differences).
--
-- MariaDB has no REGEXP_LIKE (and refuses it in a CHECK, ERROR 1901).  Its REGEXP is PCRE and follows the
-- column's collation, case-insensitive here; the inline flag (?-i) makes the match case-sensitive, as
-- MySQL's REGEXP_LIKE(..., 'c') and PostgreSQL's ~ are ('bid' is not 'BID').  The patterns are the same.

-- Rule 2: prescriptions must have a valid dosage and frequency.
ALTER TABLE prescriptions
  ADD CONSTRAINT prescriptions_dosage_grammar CHECK (dosage REGEXP
    '(?-i)^([1-9][0-9]{0,4}([.][0-9]{1,3})?|0[.][0-9]{0,2}[1-9]) (mg|mcg|g|mL|units|mEq|tablets?|capsules?|puffs?|sprays?|drops?)$'),
  ADD CONSTRAINT prescriptions_frequency_vocabulary CHECK (frequency REGEXP
    '(?-i)^(once daily|BID|TID|QID|q4h|q6h|q8h|q12h|at bedtime|weekly|PRN|q4h PRN|q6h PRN|q8h PRN)$');
