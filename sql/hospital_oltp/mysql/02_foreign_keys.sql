-- hospital_oltp, MySQL: the 82 foreign keys (ON UPDATE CASCADE throughout; ON DELETE as ../README.md explains).
-- The 82 foreign keys, after every table exists; each action is explained in ../README.md.
-- departments (Organizational)
ALTER TABLE departments ADD CONSTRAINT departments_facility_id_fkey FOREIGN KEY (facility_id) REFERENCES facilities (id) ON DELETE RESTRICT ON UPDATE CASCADE;
-- rooms (Organizational)
ALTER TABLE rooms ADD CONSTRAINT rooms_department_id_fkey FOREIGN KEY (department_id) REFERENCES departments (id) ON DELETE RESTRICT ON UPDATE CASCADE;
-- doctors (Providers)
ALTER TABLE doctors ADD CONSTRAINT doctors_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE doctors ADD CONSTRAINT doctors_department_id_fkey FOREIGN KEY (department_id) REFERENCES departments (id) ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE doctors ADD CONSTRAINT doctors_specialty_id_fkey FOREIGN KEY (specialty_id) REFERENCES specialties (id) ON DELETE RESTRICT ON UPDATE CASCADE;
-- patients (Patients)
ALTER TABLE patients ADD CONSTRAINT patients_primary_doctor_id_fkey FOREIGN KEY (primary_doctor_id) REFERENCES doctors (id) ON DELETE SET NULL ON UPDATE CASCADE;
-- appointments (Appointments)
ALTER TABLE appointments ADD CONSTRAINT appointments_patient_id_fkey FOREIGN KEY (patient_id) REFERENCES patients (id) ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE appointments ADD CONSTRAINT appointments_doctor_id_fkey FOREIGN KEY (doctor_id) REFERENCES doctors (id) ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE appointments ADD CONSTRAINT appointments_appointment_type_id_fkey FOREIGN KEY (appointment_type_id) REFERENCES appointment_types (id) ON DELETE RESTRICT ON UPDATE CASCADE;
-- encounters (Clinical)
ALTER TABLE encounters ADD CONSTRAINT encounters_patient_id_fkey FOREIGN KEY (patient_id) REFERENCES patients (id) ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE encounters ADD CONSTRAINT encounters_doctor_id_fkey FOREIGN KEY (doctor_id) REFERENCES doctors (id) ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE encounters ADD CONSTRAINT encounters_department_id_fkey FOREIGN KEY (department_id) REFERENCES departments (id) ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE encounters ADD CONSTRAINT encounters_appointment_id_fkey FOREIGN KEY (appointment_id) REFERENCES appointments (id) ON DELETE SET NULL ON UPDATE CASCADE;
-- beds (Organizational)
ALTER TABLE beds ADD CONSTRAINT beds_room_id_fkey FOREIGN KEY (room_id) REFERENCES rooms (id) ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE beds ADD CONSTRAINT beds_current_encounter_id_fkey FOREIGN KEY (current_encounter_id) REFERENCES encounters (id) ON DELETE SET NULL ON UPDATE CASCADE;
-- equipment (Organizational)
ALTER TABLE equipment ADD CONSTRAINT equipment_department_id_fkey FOREIGN KEY (department_id) REFERENCES departments (id) ON DELETE SET NULL ON UPDATE CASCADE;
-- equipment_maintenance (Organizational)
ALTER TABLE equipment_maintenance ADD CONSTRAINT equipment_maintenance_equipment_id_fkey FOREIGN KEY (equipment_id) REFERENCES equipment (id) ON DELETE CASCADE ON UPDATE CASCADE;
-- user_roles (System)
ALTER TABLE user_roles ADD CONSTRAINT user_roles_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE user_roles ADD CONSTRAINT user_roles_role_id_fkey FOREIGN KEY (role_id) REFERENCES roles (id) ON DELETE CASCADE ON UPDATE CASCADE;
-- nurses (Providers)
ALTER TABLE nurses ADD CONSTRAINT nurses_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE nurses ADD CONSTRAINT nurses_department_id_fkey FOREIGN KEY (department_id) REFERENCES departments (id) ON DELETE SET NULL ON UPDATE CASCADE;
-- administrative_staff (Providers)
ALTER TABLE administrative_staff ADD CONSTRAINT administrative_staff_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE administrative_staff ADD CONSTRAINT administrative_staff_department_id_fkey FOREIGN KEY (department_id) REFERENCES departments (id) ON DELETE SET NULL ON UPDATE CASCADE;
-- specialists (Providers)
ALTER TABLE specialists ADD CONSTRAINT specialists_specialty_id_fkey FOREIGN KEY (specialty_id) REFERENCES specialties (id) ON DELETE RESTRICT ON UPDATE CASCADE;
-- staff_shift_schedules (Providers)
ALTER TABLE staff_shift_schedules ADD CONSTRAINT staff_shift_schedules_department_id_fkey FOREIGN KEY (department_id) REFERENCES departments (id) ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE staff_shift_schedules ADD CONSTRAINT staff_shift_schedules_nurse_id_fkey FOREIGN KEY (nurse_id) REFERENCES nurses (id) ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE staff_shift_schedules ADD CONSTRAINT staff_shift_schedules_staff_id_fkey FOREIGN KEY (staff_id) REFERENCES administrative_staff (id) ON DELETE CASCADE ON UPDATE CASCADE;
-- doctor_schedules (Providers)
ALTER TABLE doctor_schedules ADD CONSTRAINT doctor_schedules_doctor_id_fkey FOREIGN KEY (doctor_id) REFERENCES doctors (id) ON DELETE CASCADE ON UPDATE CASCADE;
-- patient_addresses (Patients)
ALTER TABLE patient_addresses ADD CONSTRAINT patient_addresses_patient_id_fkey FOREIGN KEY (patient_id) REFERENCES patients (id) ON DELETE CASCADE ON UPDATE CASCADE;
-- patient_emergency_contacts (Patients)
ALTER TABLE patient_emergency_contacts ADD CONSTRAINT patient_emergency_contacts_patient_id_fkey FOREIGN KEY (patient_id) REFERENCES patients (id) ON DELETE CASCADE ON UPDATE CASCADE;
-- patient_allergies (Patients)
ALTER TABLE patient_allergies ADD CONSTRAINT patient_allergies_patient_id_fkey FOREIGN KEY (patient_id) REFERENCES patients (id) ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE patient_allergies ADD CONSTRAINT patient_allergies_medication_id_fkey FOREIGN KEY (medication_id) REFERENCES medications (id) ON DELETE SET NULL ON UPDATE CASCADE;
-- appointment_cancellations (Appointments)
ALTER TABLE appointment_cancellations ADD CONSTRAINT appointment_cancellations_appointment_id_fkey FOREIGN KEY (appointment_id) REFERENCES appointments (id) ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE appointment_cancellations ADD CONSTRAINT appointment_cancellations_cancelled_by_user_id_fkey FOREIGN KEY (cancelled_by_user_id) REFERENCES users (id) ON DELETE SET NULL ON UPDATE CASCADE;
-- admissions (Clinical)
ALTER TABLE admissions ADD CONSTRAINT admissions_encounter_id_fkey FOREIGN KEY (encounter_id) REFERENCES encounters (id) ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE admissions ADD CONSTRAINT admissions_bed_id_fkey FOREIGN KEY (bed_id) REFERENCES beds (id) ON DELETE RESTRICT ON UPDATE CASCADE;
-- vital_signs (Clinical)
ALTER TABLE vital_signs ADD CONSTRAINT vital_signs_encounter_id_fkey FOREIGN KEY (encounter_id) REFERENCES encounters (id) ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE vital_signs ADD CONSTRAINT vital_signs_recorded_by_nurse_id_fkey FOREIGN KEY (recorded_by_nurse_id) REFERENCES nurses (id) ON DELETE SET NULL ON UPDATE CASCADE;
-- encounter_diagnoses (Clinical)
ALTER TABLE encounter_diagnoses ADD CONSTRAINT encounter_diagnoses_encounter_id_fkey FOREIGN KEY (encounter_id) REFERENCES encounters (id) ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE encounter_diagnoses ADD CONSTRAINT encounter_diagnoses_icd10_code_id_fkey FOREIGN KEY (icd10_code_id) REFERENCES icd10_codes (id) ON DELETE RESTRICT ON UPDATE CASCADE;
-- encounter_procedures (Clinical)
ALTER TABLE encounter_procedures ADD CONSTRAINT encounter_procedures_encounter_id_fkey FOREIGN KEY (encounter_id) REFERENCES encounters (id) ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE encounter_procedures ADD CONSTRAINT encounter_procedures_cpt_code_id_fkey FOREIGN KEY (cpt_code_id) REFERENCES cpt_codes (id) ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE encounter_procedures ADD CONSTRAINT encounter_procedures_performed_by_doctor_id_fkey FOREIGN KEY (performed_by_doctor_id) REFERENCES doctors (id) ON DELETE SET NULL ON UPDATE CASCADE;
-- clinical_notes (Clinical)
ALTER TABLE clinical_notes ADD CONSTRAINT clinical_notes_encounter_id_fkey FOREIGN KEY (encounter_id) REFERENCES encounters (id) ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE clinical_notes ADD CONSTRAINT clinical_notes_author_user_id_fkey FOREIGN KEY (author_user_id) REFERENCES users (id) ON DELETE SET NULL ON UPDATE CASCADE;
-- lab_orders (Laboratory)
ALTER TABLE lab_orders ADD CONSTRAINT lab_orders_encounter_id_fkey FOREIGN KEY (encounter_id) REFERENCES encounters (id) ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE lab_orders ADD CONSTRAINT lab_orders_lab_test_id_fkey FOREIGN KEY (lab_test_id) REFERENCES lab_tests (id) ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE lab_orders ADD CONSTRAINT lab_orders_ordered_by_doctor_id_fkey FOREIGN KEY (ordered_by_doctor_id) REFERENCES doctors (id) ON DELETE RESTRICT ON UPDATE CASCADE;
-- lab_results (Laboratory)
ALTER TABLE lab_results ADD CONSTRAINT lab_results_lab_order_id_fkey FOREIGN KEY (lab_order_id) REFERENCES lab_orders (id) ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE lab_results ADD CONSTRAINT lab_results_verified_by_user_id_fkey FOREIGN KEY (verified_by_user_id) REFERENCES users (id) ON DELETE SET NULL ON UPDATE CASCADE;
-- radiology_orders (Laboratory)
ALTER TABLE radiology_orders ADD CONSTRAINT radiology_orders_encounter_id_fkey FOREIGN KEY (encounter_id) REFERENCES encounters (id) ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE radiology_orders ADD CONSTRAINT radiology_orders_cpt_code_id_fkey FOREIGN KEY (cpt_code_id) REFERENCES cpt_codes (id) ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE radiology_orders ADD CONSTRAINT radiology_orders_ordered_by_doctor_id_fkey FOREIGN KEY (ordered_by_doctor_id) REFERENCES doctors (id) ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE radiology_orders ADD CONSTRAINT radiology_orders_equipment_id_fkey FOREIGN KEY (equipment_id) REFERENCES equipment (id) ON DELETE SET NULL ON UPDATE CASCADE;
-- radiology_results (Laboratory)
ALTER TABLE radiology_results ADD CONSTRAINT radiology_results_radiology_order_id_fkey FOREIGN KEY (radiology_order_id) REFERENCES radiology_orders (id) ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE radiology_results ADD CONSTRAINT radiology_results_radiologist_id_fkey FOREIGN KEY (radiologist_id) REFERENCES specialists (id) ON DELETE SET NULL ON UPDATE CASCADE;
-- medication_interactions (Pharmacy)
ALTER TABLE medication_interactions ADD CONSTRAINT medication_interactions_medication_id_fkey FOREIGN KEY (medication_id) REFERENCES medications (id) ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE medication_interactions ADD CONSTRAINT medication_interactions_interacts_with_id_fkey FOREIGN KEY (interacts_with_id) REFERENCES medications (id) ON DELETE CASCADE ON UPDATE CASCADE;
-- medication_inventory (Pharmacy)
ALTER TABLE medication_inventory ADD CONSTRAINT medication_inventory_medication_id_fkey FOREIGN KEY (medication_id) REFERENCES medications (id) ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE medication_inventory ADD CONSTRAINT medication_inventory_facility_id_fkey FOREIGN KEY (facility_id) REFERENCES facilities (id) ON DELETE RESTRICT ON UPDATE CASCADE;
-- prescriptions (Pharmacy)
ALTER TABLE prescriptions ADD CONSTRAINT prescriptions_patient_id_fkey FOREIGN KEY (patient_id) REFERENCES patients (id) ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE prescriptions ADD CONSTRAINT prescriptions_doctor_id_fkey FOREIGN KEY (doctor_id) REFERENCES doctors (id) ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE prescriptions ADD CONSTRAINT prescriptions_encounter_id_fkey FOREIGN KEY (encounter_id) REFERENCES encounters (id) ON DELETE SET NULL ON UPDATE CASCADE;
-- prescription_items (Pharmacy)
ALTER TABLE prescription_items ADD CONSTRAINT prescription_items_prescription_id_fkey FOREIGN KEY (prescription_id) REFERENCES prescriptions (id) ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE prescription_items ADD CONSTRAINT prescription_items_medication_id_fkey FOREIGN KEY (medication_id) REFERENCES medications (id) ON DELETE RESTRICT ON UPDATE CASCADE;
-- medication_dispensations (Pharmacy)
ALTER TABLE medication_dispensations ADD CONSTRAINT medication_dispensations_prescription_item_id_fkey FOREIGN KEY (prescription_item_id) REFERENCES prescription_items (id) ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE medication_dispensations ADD CONSTRAINT medication_dispensations_inventory_id_fkey FOREIGN KEY (inventory_id) REFERENCES medication_inventory (id) ON DELETE RESTRICT ON UPDATE CASCADE;
-- insurance_plans (Insurance)
ALTER TABLE insurance_plans ADD CONSTRAINT insurance_plans_company_id_fkey FOREIGN KEY (company_id) REFERENCES insurance_companies (id) ON DELETE RESTRICT ON UPDATE CASCADE;
-- patient_insurance_policies (Insurance)
ALTER TABLE patient_insurance_policies ADD CONSTRAINT patient_insurance_policies_patient_id_fkey FOREIGN KEY (patient_id) REFERENCES patients (id) ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE patient_insurance_policies ADD CONSTRAINT patient_insurance_policies_plan_id_fkey FOREIGN KEY (plan_id) REFERENCES insurance_plans (id) ON DELETE RESTRICT ON UPDATE CASCADE;
-- invoices (Billing)
ALTER TABLE invoices ADD CONSTRAINT invoices_patient_id_fkey FOREIGN KEY (patient_id) REFERENCES patients (id) ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE invoices ADD CONSTRAINT invoices_encounter_id_fkey FOREIGN KEY (encounter_id) REFERENCES encounters (id) ON DELETE SET NULL ON UPDATE CASCADE;
-- insurance_claims (Insurance)
ALTER TABLE insurance_claims ADD CONSTRAINT insurance_claims_policy_id_fkey FOREIGN KEY (policy_id) REFERENCES patient_insurance_policies (id) ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE insurance_claims ADD CONSTRAINT insurance_claims_invoice_id_fkey FOREIGN KEY (invoice_id) REFERENCES invoices (id) ON DELETE RESTRICT ON UPDATE CASCADE;
-- invoice_items (Billing)
ALTER TABLE invoice_items ADD CONSTRAINT invoice_items_invoice_id_fkey FOREIGN KEY (invoice_id) REFERENCES invoices (id) ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE invoice_items ADD CONSTRAINT invoice_items_cpt_code_id_fkey FOREIGN KEY (cpt_code_id) REFERENCES cpt_codes (id) ON DELETE SET NULL ON UPDATE CASCADE;
-- claim_items (Insurance)
ALTER TABLE claim_items ADD CONSTRAINT claim_items_claim_id_fkey FOREIGN KEY (claim_id) REFERENCES insurance_claims (id) ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE claim_items ADD CONSTRAINT claim_items_invoice_item_id_fkey FOREIGN KEY (invoice_item_id) REFERENCES invoice_items (id) ON DELETE RESTRICT ON UPDATE CASCADE;
-- pre_authorizations (Insurance)
ALTER TABLE pre_authorizations ADD CONSTRAINT pre_authorizations_policy_id_fkey FOREIGN KEY (policy_id) REFERENCES patient_insurance_policies (id) ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE pre_authorizations ADD CONSTRAINT pre_authorizations_cpt_code_id_fkey FOREIGN KEY (cpt_code_id) REFERENCES cpt_codes (id) ON DELETE RESTRICT ON UPDATE CASCADE;
-- payment_transactions (Billing)
ALTER TABLE payment_transactions ADD CONSTRAINT payment_transactions_invoice_id_fkey FOREIGN KEY (invoice_id) REFERENCES invoices (id) ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE payment_transactions ADD CONSTRAINT payment_transactions_claim_id_fkey FOREIGN KEY (claim_id) REFERENCES insurance_claims (id) ON DELETE SET NULL ON UPDATE CASCADE;
