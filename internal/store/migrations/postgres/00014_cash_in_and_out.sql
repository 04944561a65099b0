-- +goose Up
-- The till's cash in («Внесение») and cash out («Выемка»). A cash in makes a cash receipt order that
-- is no sale's: it has no customer and no sales invoice, so both become optional; each cash receipt
-- order says what it is for (purpose "sale" or "cash_in"), and cash documents carry where the money
-- came from or went (counterpart) and the cashier's comment.
ALTER TABLE cash_receipts ALTER COLUMN customer_id DROP NOT NULL;
ALTER TABLE cash_receipts ALTER COLUMN sales_invoice_id DROP NOT NULL;
ALTER TABLE cash_receipts ADD COLUMN purpose TEXT NOT NULL DEFAULT 'sale';
ALTER TABLE cash_receipts ADD COLUMN counterpart TEXT NOT NULL DEFAULT '';
ALTER TABLE cash_receipts ADD COLUMN comment TEXT NOT NULL DEFAULT '';
CREATE INDEX cash_receipts_purpose ON cash_receipts (purpose, number);
CREATE INDEX cash_expenses_purpose ON cash_expenses (purpose, number);
CREATE INDEX transactions_register_shift ON transactions (register_id, shift_number);

-- +goose Down
DROP INDEX transactions_register_shift;
DROP INDEX cash_expenses_purpose;
DROP INDEX cash_receipts_purpose;
DELETE FROM cash_moves WHERE doc_id IN (SELECT id FROM cash_receipts WHERE purpose <> 'sale');
DELETE FROM cash_receipts WHERE purpose <> 'sale';
ALTER TABLE cash_receipts DROP COLUMN comment;
ALTER TABLE cash_receipts DROP COLUMN counterpart;
ALTER TABLE cash_receipts DROP COLUMN purpose;
ALTER TABLE cash_receipts ALTER COLUMN sales_invoice_id SET NOT NULL;
ALTER TABLE cash_receipts ALTER COLUMN customer_id SET NOT NULL;
