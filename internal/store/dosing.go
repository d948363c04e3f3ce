package store

import (
	"context"
	"database/sql"
	"time"

	"doorway/internal/care"
	"doorway/internal/problem"
	"doorway/internal/seal"
	"doorway/internal/session"
)

// DosingOrder is one version of a prescriber's dosing order for a course.
// Orders are never edited: a change is a new version, and the one it replaces
// is stamped superseded, so the history of who ordered what stays whole.
type DosingOrder struct {
	ID       string
	ClinicID string
	ClientID string
	CourseID string
	Version  int
	Order    session.Order // Notes is sealed at rest
	// WrittenBy is the author's user id; WrittenByName and ByPrescriber are
	// read with the order (ByPrescriber from the author's roles today).
	WrittenBy     string
	WrittenByName string
	ByPrescriber  bool
	WrittenAt     time.Time
	SupersededAt  *time.Time
}

// Gate is what the dosing-order gate needs to know (care.GateInput).
func (o DosingOrder) Gate() *care.DosingOrder {
	return &care.DosingOrder{By: o.WrittenByName, ByPrescriber: o.ByPrescriber, At: o.WrittenAt}
}

// WriteDosingOrder stores o as the course's newest order: version 1 for a
// course without one, otherwise the next version, superseding the current
// one in the same transaction. The order is validated against the clinic's
// settings, and the author must hold the prescriber role. Two prescribers
// saving at the same moment cannot both make version n+1: the second meets
// the unique (course, version) key and is told to reload.
func (t *Tx) WriteDosingOrder(ctx context.Context, o *DosingOrder, settings session.Settings) error {
	if err := o.Order.Validate(settings); err != nil {
		return err
	}
	author, err := t.User(ctx, o.WrittenBy)
	if err != nil {
		return err
	}
	if !author.HasRole(RolePrescriber) || author.ClinicID != o.ClinicID {
		return problem.New(problem.Invalid, "Only a prescriber can write a dosing order.")
	}
	course, err := t.Course(ctx, o.ClinicID, o.CourseID)
	if err != nil {
		return err
	}
	if course.ClientID != o.ClientID {
		return problem.New(problem.Invalid, "That course belongs to another client.")
	}
	var current sql.NullInt64
	if err := t.queryRow(ctx, `SELECT MAX(version) FROM dosing_orders WHERE course_id = ?`, o.CourseID).Scan(&current); err != nil {
		return err
	}
	o.Version = int(current.Int64) + 1
	if current.Valid {
		if _, err := t.exec(ctx, `UPDATE dosing_orders SET superseded_at = ? WHERE course_id = ? AND version = ? AND superseded_at IS NULL`,
			o.WrittenAt, o.CourseID, current.Int64); err != nil {
			return err
		}
	}
	notes, err := t.sealText(ctx, seal.Binding{ClinicID: o.ClinicID, Table: "dosing_orders", Column: "notes", RowID: o.ID}, o.Order.Notes)
	if err != nil {
		return err
	}
	_, err = t.exec(ctx, `INSERT INTO dosing_orders (id, clinic_id, client_id, course_id, version, route, mg_tenths, mg_per_kg_hundredths,
		max_mg_tenths, over_minutes, notes, written_by, written_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		o.ID, o.ClinicID, o.ClientID, o.CourseID, o.Version, string(o.Order.Route), nonZero(int64(o.Order.Mg)), nonZero(int64(o.Order.MgPerKg)),
		int64(o.Order.MaxMg), nonZero(int64(o.Order.OverMinutes)), notes, o.WrittenBy, o.WrittenAt)
	if isUniqueViolation(err) {
		return problem.New(problem.Conflict, "Someone changed this dosing order at the same moment. Open it again to see the current version.")
	}
	o.WrittenByName, o.ByPrescriber = author.Name, true
	return err
}

// nonZero binds zero as NULL: a fixed-dose order has no mg/kg, and only an
// IV order has a duration.
func nonZero(v int64) any {
	if v == 0 {
		return nil
	}
	return v
}

const dosingCols = `o.id, o.clinic_id, o.client_id, o.course_id, o.version, o.route, o.mg_tenths, o.mg_per_kg_hundredths,
	o.max_mg_tenths, o.over_minutes, o.notes, o.written_by, COALESCE(u.name, ''),
	EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = o.written_by AND r.role = 'prescriber'),
	o.written_at, o.superseded_at`

const dosingFrom = ` FROM dosing_orders o LEFT JOIN users u ON u.id = o.written_by`

// scanDosingOrder reads dosingCols. Order.Notes holds the sealed text until
// openNotes opens it: a row cursor stays open while scanning, and opening
// may need to read the clinic's key, so the two never overlap.
func scanDosingOrder(sc interface{ Scan(...any) error }) (DosingOrder, error) {
	var o DosingOrder
	var route string
	var mg, perKg, over sql.NullInt64
	var byPrescriber any
	var superseded sql.NullTime
	err := sc.Scan(&o.ID, &o.ClinicID, &o.ClientID, &o.CourseID, &o.Version, &route, &mg, &perKg,
		&o.Order.MaxMg, &over, &o.Order.Notes, &o.WrittenBy, &o.WrittenByName, &byPrescriber, &o.WrittenAt, &superseded)
	o.Order.Route = session.Route(route)
	o.Order.Mg, o.Order.MgPerKg, o.Order.OverMinutes = session.Mg(mg.Int64), session.MgPerKg(perKg.Int64), int(over.Int64)
	// EXISTS is a boolean on PostgreSQL and an integer on SQLite.
	switch v := byPrescriber.(type) {
	case bool:
		o.ByPrescriber = v
	case int64:
		o.ByPrescriber = v == 1
	}
	o.WrittenAt = o.WrittenAt.UTC()
	o.SupersededAt = nullTime(superseded)
	return o, err
}

func (t *Tx) openNotes(ctx context.Context, o *DosingOrder) (err error) {
	o.Order.Notes, err = t.openText(ctx, seal.Binding{ClinicID: o.ClinicID, Table: "dosing_orders", Column: "notes", RowID: o.ID}, o.Order.Notes)
	return err
}

// CurrentDosingOrder is the course's order in force (the newest version).
// ok is false when no prescriber has written one.
func (t *Tx) CurrentDosingOrder(ctx context.Context, clinicID, courseID string) (DosingOrder, bool, error) {
	o, err := scanDosingOrder(t.queryRow(ctx, `SELECT `+dosingCols+dosingFrom+`
		WHERE o.clinic_id = ? AND o.course_id = ? AND o.superseded_at IS NULL ORDER BY o.version DESC LIMIT 1`, clinicID, courseID))
	if err == sql.ErrNoRows {
		return DosingOrder{}, false, nil
	}
	if err != nil {
		return DosingOrder{}, false, err
	}
	return o, true, t.openNotes(ctx, &o)
}

// DosingOrderHistory lists every version of the course's order, newest first.
func (t *Tx) DosingOrderHistory(ctx context.Context, clinicID, courseID string) ([]DosingOrder, error) {
	return t.dosingOrders(ctx, ` WHERE o.clinic_id = ? AND o.course_id = ? ORDER BY o.version DESC`, clinicID, courseID)
}

// dosingOrders reads the orders a WHERE and ORDER BY clause selects, with
// their notes opened.
func (t *Tx) dosingOrders(ctx context.Context, where string, args ...any) ([]DosingOrder, error) {
	rows, err := t.query(ctx, `SELECT `+dosingCols+dosingFrom+where, args...)
	if err != nil {
		return nil, err
	}
	out, err := scanAll(rows, func(o *DosingOrder) (err error) {
		*o, err = scanDosingOrder(rows)
		return err
	})
	if err != nil {
		return nil, err
	}
	for i := range out {
		if err := t.openNotes(ctx, &out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Dosing orders as the FHIR API reads them: one version by its id, and every
// version of every course of a client.

// DosingOrderByID is one version of a dosing order.
func (t *Tx) DosingOrderByID(ctx context.Context, clinicID, id string) (DosingOrder, error) {
	o, err := scanDosingOrder(t.queryRow(ctx, `SELECT `+dosingCols+dosingFrom+` WHERE o.clinic_id = ? AND o.id = ?`, clinicID, id))
	if err != nil {
		return DosingOrder{}, notFound(err, "The dosing order")
	}
	return o, t.openNotes(ctx, &o)
}

// ClientDosingOrders lists every version of every dosing order of a client,
// oldest first, so each version follows the one it replaced.
func (t *Tx) ClientDosingOrders(ctx context.Context, clinicID, clientID string) ([]DosingOrder, error) {
	return t.dosingOrders(ctx, ` WHERE o.clinic_id = ? AND o.client_id = ? ORDER BY o.written_at, o.course_id, o.version`, clinicID, clientID)
}
