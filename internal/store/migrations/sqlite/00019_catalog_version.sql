-- +goose Up
-- The version of what a new order reads of the catalog: every change of customers, warehouses,
-- products, or of registers' codes, warehouses and order settings advances it in its own
-- transaction. An order drafted before SQLite's single writer (draft.go) is written as drafted only
-- when the version has not moved since; otherwise the writer reads the catalog again.
INSERT INTO counters (name, value) VALUES ('catalog_version', 0);
-- +goose StatementBegin
CREATE TRIGGER customers_catalog_insert AFTER INSERT ON customers BEGIN
    UPDATE counters SET value = value + 1 WHERE name = 'catalog_version';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER customers_catalog_update AFTER UPDATE OF id, code, name, phone ON customers BEGIN
    UPDATE counters SET value = value + 1 WHERE name = 'catalog_version';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER customers_catalog_delete AFTER DELETE ON customers BEGIN
    UPDATE counters SET value = value + 1 WHERE name = 'catalog_version';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER warehouses_catalog_insert AFTER INSERT ON warehouses BEGIN
    UPDATE counters SET value = value + 1 WHERE name = 'catalog_version';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER warehouses_catalog_update AFTER UPDATE OF id, code ON warehouses BEGIN
    UPDATE counters SET value = value + 1 WHERE name = 'catalog_version';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER warehouses_catalog_delete AFTER DELETE ON warehouses BEGIN
    UPDATE counters SET value = value + 1 WHERE name = 'catalog_version';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER products_catalog_insert AFTER INSERT ON products BEGIN
    UPDATE counters SET value = value + 1 WHERE name = 'catalog_version';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER products_catalog_update AFTER UPDATE OF id, code, name, unit, vat_rate, price ON products BEGIN
    UPDATE counters SET value = value + 1 WHERE name = 'catalog_version';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER products_catalog_delete AFTER DELETE ON products BEGIN
    UPDATE counters SET value = value + 1 WHERE name = 'catalog_version';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER registers_catalog_insert AFTER INSERT ON registers BEGIN
    UPDATE counters SET value = value + 1 WHERE name = 'catalog_version';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER registers_catalog_update AFTER UPDATE OF id, code, warehouse_id, accepts_orders, auto_load_orders ON registers BEGIN
    UPDATE counters SET value = value + 1 WHERE name = 'catalog_version';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER registers_catalog_delete AFTER DELETE ON registers BEGIN
    UPDATE counters SET value = value + 1 WHERE name = 'catalog_version';
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER registers_catalog_delete;
DROP TRIGGER registers_catalog_update;
DROP TRIGGER registers_catalog_insert;
DROP TRIGGER products_catalog_delete;
DROP TRIGGER products_catalog_update;
DROP TRIGGER products_catalog_insert;
DROP TRIGGER warehouses_catalog_delete;
DROP TRIGGER warehouses_catalog_update;
DROP TRIGGER warehouses_catalog_insert;
DROP TRIGGER customers_catalog_delete;
DROP TRIGGER customers_catalog_update;
DROP TRIGGER customers_catalog_insert;
DELETE FROM counters WHERE name = 'catalog_version';
