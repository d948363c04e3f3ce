package store

import (
	"context"
	"fmt"
	"time"

	"doorway/internal/seal"
)

// clearSince0020 are the columns migration 0020 sealed, with what names a
// row and when a row may still be rewritten. An acknowledgement of an alert
// (medicine_session_alert_acks.message) and a signed session record refuse
// any UPDATE by design, so those old rows stay as they were written and are
// read in both forms (openOrClear).
var clearSince0020 = []struct{ table, column, rowID, writable string }{
	{"safety_flags", "reason", "id", ""},
	{"screening_decisions", "rules", "id", ""},
	{"inquiries", "name", "id", ""},
	{"inquiries", "email", "id", ""},
	{"inquiries", "phone", "id", ""},
	{"inquiries", "close_reason", "id", ""},
	{"prep_checklist", "companion_name", "course_id", ""},
	{"prep_checklist", "companion_phone", "course_id", ""},
	{"prep_checklist", "room_note", "course_id", ""},
	{"medicine_sessions", "companion_name", "id", " AND locked_at IS NULL"},
	{"medicine_sessions", "companion_phone", "id", " AND locked_at IS NULL"},
	{"medicine_sessions", "lot_number", "id", " AND locked_at IS NULL"},
	{"medicine_sessions", "setting_other", "id", " AND locked_at IS NULL"},
	{"medicine_sessions", "released_to", "id", " AND locked_at IS NULL"},
}

// SealClearText seals, in place, the values that rows written before
// migration 0020 hold in clear in the columns it sealed, where the database
// lets a row change; it returns how many it sealed. It needs the master
// key, so it runs at start-up once the key is set. Once it has been through
// every column it records itself done (data_upgrades), and later starts do
// not read the tables again. Each row is changed only if it still holds the
// value read, so a write made meanwhile is never overwritten.
func (s *Store) SealClearText(ctx context.Context) (int, error) {
	var done int
	if err := s.r.QueryRowContext(ctx, s.eng.rebind(`SELECT COUNT(*) FROM data_upgrades WHERE name = ?`), sealClearTextUpgrade).Scan(&done); err != nil {
		return 0, err
	}
	if done > 0 {
		return 0, nil
	}
	sealed := 0
	for _, c := range clearSince0020 {
		err := s.Write(ctx, func(tx *Tx) error {
			rows, err := tx.query(ctx, fmt.Sprintf(`SELECT %s, clinic_id, %s FROM %s WHERE %s <> '' AND %s NOT LIKE 's1.%%'%s`,
				c.rowID, c.column, c.table, c.column, c.column, c.writable))
			if err != nil {
				return err
			}
			type clear struct{ id, clinic, value string }
			found, err := scanAll(rows, func(v *clear) error { return rows.Scan(&v.id, &v.clinic, &v.value) })
			if err != nil {
				return err
			}
			for _, v := range found {
				text, err := tx.sealText(ctx, seal.Binding{ClinicID: v.clinic, Table: c.table, Column: c.column, RowID: v.id}, v.value)
				if err != nil {
					return err
				}
				res, err := tx.exec(ctx, fmt.Sprintf(`UPDATE %s SET %s = ? WHERE %s = ? AND %s = ?`, c.table, c.column, c.rowID, c.column),
					text, v.id, v.value)
				if err != nil {
					return fmt.Errorf("seal %s.%s of %s: %w", c.table, c.column, v.id, err)
				}
				if n, _ := res.RowsAffected(); n == 1 {
					sealed++
				}
			}
			return nil
		})
		if err != nil {
			return sealed, err
		}
	}
	// Every column has been through: nothing written from now on is in
	// clear, so no later start needs to read these tables again.
	err := s.Write(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, `INSERT INTO data_upgrades (name, done_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING`,
			sealClearTextUpgrade, time.Now().UTC())
		return err
	})
	return sealed, err
}

// sealClearTextUpgrade names SealClearText in data_upgrades.
const sealClearTextUpgrade = "seal clear text since 0020"
