package store

import "context"

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
