-- +goose Up
-- SQLite turns an integer addition that overflows into a REAL and stores it, silently. These
-- triggers refuse a running total that is not an integer, so that a balance can never leave the
-- int64 range: the statement fails instead (the store checks every addition before it writes; this
-- is the guard behind that check). Rows an older version stored as REAL stay as they are and cannot
-- change any more: the reports name them.
-- +goose StatementBegin
CREATE TRIGGER stock_balances_insert_in_range BEFORE INSERT ON stock_balances WHEN typeof(NEW.on_hand) <> 'integer'
BEGIN SELECT RAISE(ABORT, 'stock_balances.on_hand out of range'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER stock_balances_update_in_range BEFORE UPDATE ON stock_balances WHEN typeof(NEW.on_hand) <> 'integer'
BEGIN SELECT RAISE(ABORT, 'stock_balances.on_hand out of range'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER cash_balances_insert_in_range BEFORE INSERT ON cash_balances WHEN typeof(NEW.balance) <> 'integer'
BEGIN SELECT RAISE(ABORT, 'cash_balances.balance out of range'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER cash_balances_update_in_range BEFORE UPDATE ON cash_balances WHEN typeof(NEW.balance) <> 'integer'
BEGIN SELECT RAISE(ABORT, 'cash_balances.balance out of range'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER debt_balances_insert_in_range BEFORE INSERT ON debt_balances WHEN typeof(NEW.debt) <> 'integer'
BEGIN SELECT RAISE(ABORT, 'debt_balances.debt out of range'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER debt_balances_update_in_range BEFORE UPDATE ON debt_balances WHEN typeof(NEW.debt) <> 'integer'
BEGIN SELECT RAISE(ABORT, 'debt_balances.debt out of range'); END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER stock_balances_insert_in_range;
DROP TRIGGER stock_balances_update_in_range;
DROP TRIGGER cash_balances_insert_in_range;
DROP TRIGGER cash_balances_update_in_range;
DROP TRIGGER debt_balances_insert_in_range;
DROP TRIGGER debt_balances_update_in_range;
