-- +goose Up
-- The till's cash in («Внесение») and cash out («Выемка»). A cash in makes a cash receipt order that
-- is no sale's: it has no customer and no sales invoice, so both become optional; each cash receipt
-- order says what it is for (purpose "sale" or "cash_in"), and cash documents carry where the money
-- came from or went (counterpart) and the cashier's comment. SQLite cannot drop NOT NULL in place, so
-- the table is copied; nothing refers to it by a foreign key.
CREATE TABLE cash_receipts_new (
    id                TEXT PRIMARY KEY,
    number            INTEGER NOT NULL UNIQUE,
    date              INTEGER NOT NULL,
    posted            BOOLEAN NOT NULL,
    not_posted_reason TEXT,
    cash_desk_id      TEXT REFERENCES cash_desks (id),
    customer_id       TEXT REFERENCES customers (id),
    sales_invoice_id  TEXT REFERENCES sales_invoices (id),
    order_id          TEXT REFERENCES orders (id),
    transaction_id    TEXT NOT NULL UNIQUE REFERENCES transactions (id),
    amount            INTEGER NOT NULL,
    created_at        INTEGER NOT NULL,
    purpose           TEXT NOT NULL DEFAULT 'sale',
    counterpart       TEXT NOT NULL DEFAULT '',
    comment           TEXT NOT NULL DEFAULT ''
);
INSERT INTO cash_receipts_new (id, number, date, posted, not_posted_reason, cash_desk_id, customer_id, sales_invoice_id, order_id,
    transaction_id, amount, created_at)
SELECT id, number, date, posted, not_posted_reason, cash_desk_id, customer_id, sales_invoice_id, order_id, transaction_id, amount, created_at
FROM cash_receipts;
DROP TABLE cash_receipts;
ALTER TABLE cash_receipts_new RENAME TO cash_receipts;
CREATE INDEX cash_receipts_purpose ON cash_receipts (purpose, number);
CREATE INDEX cash_expenses_purpose ON cash_expenses (purpose, number);
CREATE INDEX transactions_register_shift ON transactions (register_id, shift_number);

-- +goose Down
DROP INDEX transactions_register_shift;
DROP INDEX cash_expenses_purpose;
DELETE FROM cash_moves WHERE doc_id IN (SELECT id FROM cash_receipts WHERE purpose <> 'sale');
DELETE FROM cash_receipts WHERE purpose <> 'sale';
CREATE TABLE cash_receipts_old (
    id                TEXT PRIMARY KEY,
    number            INTEGER NOT NULL UNIQUE,
    date              INTEGER NOT NULL,
    posted            BOOLEAN NOT NULL,
    not_posted_reason TEXT,
    cash_desk_id      TEXT REFERENCES cash_desks (id),
    customer_id       TEXT NOT NULL REFERENCES customers (id),
    sales_invoice_id  TEXT NOT NULL REFERENCES sales_invoices (id),
    order_id          TEXT REFERENCES orders (id),
    transaction_id    TEXT NOT NULL UNIQUE REFERENCES transactions (id),
    amount            INTEGER NOT NULL,
    created_at        INTEGER NOT NULL
);
INSERT INTO cash_receipts_old SELECT id, number, date, posted, not_posted_reason, cash_desk_id, customer_id, sales_invoice_id, order_id,
    transaction_id, amount, created_at FROM cash_receipts;
DROP TABLE cash_receipts;
ALTER TABLE cash_receipts_old RENAME TO cash_receipts;
