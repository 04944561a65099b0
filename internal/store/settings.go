package store

import (
	"context"

	"torg"
)

// Settings an administrator edits are kept one row a setting in the settings table, beside the
// server's own secrets; these are read and written only by their own keys.

// organisationKeys are the settings that hold the organisation's details, with where each goes.
func organisationKeys(o *torg.Organisation) map[string]*string {
	return map[string]*string{
		"organisation.name": &o.Name, "organisation.inn": &o.INN, "organisation.kpp": &o.KPP,
		"organisation.address": &o.Address, "organisation.head": &o.Head, "organisation.accountant": &o.Accountant,
	}
}

// Organisation reads the organisation's details; a detail never set is empty.
func (tx *Tx) Organisation(ctx context.Context) (torg.Organisation, error) {
	var o torg.Organisation
	keys := organisationKeys(&o)
	err := tx.eachRow(ctx, func(row scanner) error {
		var k, v string
		if err := row.Scan(&k, &v); err != nil {
			return err
		}
		if p := keys[k]; p != nil {
			*p = v
		}
		return nil
	}, "SELECT key, value FROM settings WHERE key LIKE 'organisation.%'")
	if err != nil {
		return o, err
	}
	return o, nil
}

// SaveOrganisation validates the organisation's details and stores them all, replacing the old.
func (tx *Tx) SaveOrganisation(ctx context.Context, o torg.Organisation) (torg.Organisation, error) {
	if err := o.Validate(); err != nil {
		return o, err
	}
	for k, v := range organisationKeys(&o) {
		_, err := tx.exec(ctx, "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", k, *v)
		if err != nil {
			return o, err
		}
	}
	return o, nil
}
