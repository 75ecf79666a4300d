-- hospital_oltp pack, PostgreSQL dialect: the views, as ../mysql/05_views.sql (a date plus 7 is a date here).
-- The seed's 15 views, by its groups.  What each one means is stated in ../views.yml without its SQL, and the
-- gate's view probes prove the answers by behaviour.

-- Clinical operations
CREATE VIEW vw_active_doctors AS
  SELECT d.id AS doctor_id, d.npi, d.first_name, d.last_name, s.name AS specialty, dep.name AS department_name
  FROM doctors d JOIN specialties s ON s.id = d.specialty_id
  LEFT JOIN departments dep ON dep.id = d.department_id
  WHERE d.status = 'active';

CREATE VIEW vw_todays_appointments AS
  SELECT a.id AS appointment_id, a.appointment_date, a.appointment_time, a.status, p.mrn AS patient_mrn,
         p.last_name AS patient_last_name, d.last_name AS doctor_last_name, t.name AS appointment_type
  FROM appointments a JOIN patients p ON p.id = a.patient_id
  JOIN doctors d ON d.id = a.doctor_id
  JOIN appointment_types t ON t.id = a.appointment_type_id
  WHERE a.appointment_date = CURRENT_DATE AND a.status IN ('scheduled', 'confirmed', 'checked_in');

CREATE VIEW vw_upcoming_appointments AS
  SELECT a.id AS appointment_id, a.appointment_date, a.appointment_time, a.status, p.mrn AS patient_mrn,
         p.last_name AS patient_last_name, d.last_name AS doctor_last_name, t.name AS appointment_type
  FROM appointments a JOIN patients p ON p.id = a.patient_id
  JOIN doctors d ON d.id = a.doctor_id
  JOIN appointment_types t ON t.id = a.appointment_type_id
  WHERE a.appointment_date > CURRENT_DATE AND a.appointment_date <= CURRENT_DATE + 7
    AND a.status IN ('scheduled', 'confirmed');

CREATE VIEW vw_active_encounters AS
  SELECT e.id AS encounter_id, e.encounter_type, e.start_time, p.mrn AS patient_mrn,
         d.last_name AS doctor_last_name, dep.name AS department_name
  FROM encounters e JOIN patients p ON p.id = e.patient_id
  JOIN doctors d ON d.id = e.doctor_id
  JOIN departments dep ON dep.id = e.department_id
  WHERE e.status = 'active';

CREATE VIEW vw_active_prescriptions AS
  SELECT rx.id AS prescription_id, rx.start_date, rx.end_date, p.mrn AS patient_mrn, d.last_name AS doctor_last_name,
         (SELECT COUNT(*) FROM prescription_items pi WHERE pi.prescription_id = rx.id) AS medication_count
  FROM prescriptions rx JOIN patients p ON p.id = rx.patient_id
  JOIN doctors d ON d.id = rx.doctor_id
  WHERE rx.status = 'active';

-- Facility management
CREATE VIEW vw_available_beds AS
  SELECT b.id AS bed_id, b.bed_number, b.bed_type, r.room_number, dep.name AS department_name
  FROM beds b JOIN rooms r ON r.id = b.room_id
  JOIN departments dep ON dep.id = r.department_id
  WHERE b.status = 'available';

CREATE VIEW vw_bed_occupancy AS
  SELECT dep.id AS department_id, dep.name AS department_name, COUNT(b.id) AS total_beds,
         SUM(CASE WHEN b.status = 'occupied' THEN 1 ELSE 0 END) AS occupied_beds,
         SUM(CASE WHEN b.status = 'available' THEN 1 ELSE 0 END) AS available_beds
  FROM departments dep LEFT JOIN rooms r ON r.department_id = dep.id
  LEFT JOIN beds b ON b.room_id = r.id
  GROUP BY dep.id, dep.name;

CREATE VIEW vw_department_statistics AS
  SELECT dep.id AS department_id, dep.name AS department_name, f.name AS facility_name,
         (SELECT COUNT(*) FROM encounters e WHERE e.department_id = dep.id) AS total_encounters,
         (SELECT COUNT(*) FROM encounters e WHERE e.department_id = dep.id AND e.status = 'active') AS active_encounters,
         (SELECT COUNT(*) FROM doctors d WHERE d.department_id = dep.id AND d.status = 'active') AS active_doctors
  FROM departments dep JOIN facilities f ON f.id = dep.facility_id;

-- Pharmacy and laboratory
CREATE VIEW vw_pending_lab_orders AS
  SELECT lo.id AS lab_order_id, lo.ordered_at, lo.priority, lo.status, t.code AS test_code, t.name AS test_name,
         p.mrn AS patient_mrn
  FROM lab_orders lo JOIN lab_tests t ON t.id = lo.lab_test_id
  JOIN encounters e ON e.id = lo.encounter_id
  JOIN patients p ON p.id = e.patient_id
  WHERE lo.status IN ('ordered', 'collected', 'in_progress');

CREATE VIEW vw_pending_radiology_orders AS
  SELECT ro.id AS radiology_order_id, ro.ordered_at, ro.modality, ro.body_part, ro.priority, ro.status,
         c.code AS cpt_code, p.mrn AS patient_mrn
  FROM radiology_orders ro JOIN cpt_codes c ON c.id = ro.cpt_code_id
  JOIN encounters e ON e.id = ro.encounter_id
  JOIN patients p ON p.id = e.patient_id
  WHERE ro.status IN ('ordered', 'scheduled', 'in_progress');

CREATE VIEW vw_low_stock_medications AS
  SELECT inv.id AS inventory_id, m.generic_name, m.ndc_code, f.name AS facility_name, inv.quantity_on_hand,
         inv.reorder_level, inv.reorder_level - inv.quantity_on_hand AS shortfall
  FROM medication_inventory inv JOIN medications m ON m.id = inv.medication_id
  JOIN facilities f ON f.id = inv.facility_id
  WHERE inv.quantity_on_hand <= inv.reorder_level;

-- Financial
CREATE VIEW vw_outstanding_invoices AS
  SELECT i.id AS invoice_id, i.invoice_number, i.patient_id, i.invoice_date, i.due_date, i.status, i.total_amount,
         COALESCE(SUM(pt.amount), 0) AS payments_received,
         i.total_amount - COALESCE(SUM(pt.amount), 0) AS outstanding_balance
  FROM invoices i LEFT JOIN payment_transactions pt ON pt.invoice_id = i.id
  WHERE i.status IN ('issued', 'partially_paid', 'overdue')
  GROUP BY i.id, i.invoice_number, i.patient_id, i.invoice_date, i.due_date, i.status, i.total_amount;

CREATE VIEW vw_insurance_claims_summary AS
  SELECT c.id AS company_id, c.name AS company_name, COUNT(cl.id) AS claim_count,
         COALESCE(SUM(cl.claim_amount), 0) AS total_claimed, COALESCE(SUM(cl.approved_amount), 0) AS total_approved,
         SUM(CASE WHEN cl.status = 'denied' THEN 1 ELSE 0 END) AS denied_claims
  FROM insurance_companies c LEFT JOIN insurance_plans pl ON pl.company_id = c.id
  LEFT JOIN patient_insurance_policies po ON po.plan_id = pl.id
  LEFT JOIN insurance_claims cl ON cl.policy_id = po.id
  GROUP BY c.id, c.name;

CREATE VIEW vw_patient_summary AS
  SELECT p.id AS patient_id, p.mrn, p.first_name, p.last_name, p.date_of_birth, p.gender,
         d.last_name AS primary_doctor_last_name,
         (SELECT COUNT(*) FROM encounters e WHERE e.patient_id = p.id) AS encounter_count,
         (SELECT COUNT(*) FROM patient_allergies a WHERE a.patient_id = p.id) AS allergy_count,
         (SELECT COALESCE(SUM(i.balance_due), 0) FROM invoices i
          WHERE i.patient_id = p.id AND i.status <> 'void') AS open_balance
  FROM patients p LEFT JOIN doctors d ON d.id = p.primary_doctor_id
  WHERE p.status = 'active';

-- Staff
CREATE VIEW vw_doctor_performance AS
  SELECT d.id AS doctor_id, d.last_name, s.name AS specialty,
         (SELECT COUNT(*) FROM encounters e WHERE e.doctor_id = d.id) AS total_encounters,
         (SELECT COUNT(*) FROM encounters e WHERE e.doctor_id = d.id AND e.status = 'completed') AS completed_encounters,
         (SELECT COUNT(*) FROM appointments a WHERE a.doctor_id = d.id) AS total_appointments,
         (SELECT COUNT(*) FROM appointments a WHERE a.doctor_id = d.id AND a.status = 'no_show') AS no_show_appointments
  FROM doctors d JOIN specialties s ON s.id = d.specialty_id;
