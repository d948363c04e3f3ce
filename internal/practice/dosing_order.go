package practice

import (
	"context"
	"fmt"

	"doorway/internal/access"
	"doorway/internal/audit"
	"doorway/internal/auth"
	"doorway/internal/problem"
	"doorway/internal/session"
	"doorway/internal/store"
)

// The prescriber's dosing order for a client's course: the care team reads
// it; only a prescriber on the care team writes it, and each change is a
// new version, the one it replaces kept and marked superseded.

// DosingPage is a client's dosing order with its history.
type DosingPage struct {
	Client    store.Client
	Course    store.Course
	HasCourse bool
	// History lists every version, newest first.
	History []store.DosingOrder
	// Settings are the clinic's session rules, which an order is checked
	// against (its units and usual ranges).
	Settings session.Settings
	// CanWrite is true when the actor may write a new version.
	CanWrite bool
}

var (
	opDosingRead  = op{action: "dosing_order.read"}
	opDosingWrite = op{action: "dosing_order.write"}
)

// dosingPage loads the page once access allows act on the client's orders.
func (s *Service) dosingPage(ctx context.Context, tx *store.Tx, a Actor, o op, clientID string, act access.Action) (DosingPage, error) {
	ch, err := s.chartFor(ctx, tx, a, o, clientID, access.PrescriberOrder, act)
	if err != nil {
		return DosingPage{}, err
	}
	st, err := s.settings(ctx, tx, a)
	if err != nil {
		return DosingPage{}, err
	}
	d := DosingPage{Client: ch.Client, Settings: st.Session.Settings}
	if d.Course, d.HasCourse, err = tx.CurrentCourse(ctx, ch.Client.ClinicID, ch.Client.ID); err != nil || !d.HasCourse {
		return d, err
	}
	if d.History, err = tx.DosingOrderHistory(ctx, ch.Client.ClinicID, d.Course.ID); err != nil {
		return d, err
	}
	d.CanWrite = ch.may(a, access.Write, access.PrescriberOrder)
	return d, nil
}

// OpenDosingOrder is the page the care team reads. The reading is recorded.
func (s *Service) OpenDosingOrder(ctx context.Context, a Actor, clientID string) (DosingPage, error) {
	var out DosingPage
	err := s.read(ctx, a, func(tx *store.Tx) (err error) {
		out, err = s.dosingPage(ctx, tx, a, opDosingRead, clientID, access.Read)
		return err
	})
	if err != nil {
		return DosingPage{}, err
	}
	return out, s.Record(ctx, a, audit.Entry{Action: opDosingRead.action, ResourceType: "dosing_order", ResourceID: out.Course.ID, ClientID: out.Client.ID})
}

// DosingOrder is the page as the prescriber writing a new version sees it
// again when what they typed is refused: refused as absent to anyone who
// may not write the order, and refused outright when there is no course to
// write it for.
func (s *Service) DosingOrder(ctx context.Context, a Actor, clientID string) (DosingPage, error) {
	var out DosingPage
	err := s.read(ctx, a, func(tx *store.Tx) (err error) {
		if out, err = s.dosingPage(ctx, tx, a, opDosingWrite, clientID, access.Write); err == nil && !out.HasCourse {
			err = errNoCourseForOrder(out.Client)
		}
		return err
	})
	return out, err
}

// errNoCourseForOrder refuses an order for a client with no course of care: an
// order belongs to a course.
func errNoCourseForOrder(c store.Client) error {
	return problem.New(problem.Invalid, "%s has no course of care yet, so there is nothing to write an order for.", c.DisplayName())
}

// DosingOrderInput is a new version of a client's dosing order.
type DosingOrderInput struct {
	ClientID string
	Order    session.Order
}

// WriteDosingOrder stores a new version of the order for the client's
// current course, checked against the clinic's session rules as they stand
// in the same transaction. A prescriber on the care team writes it.
func (s *Service) WriteDosingOrder(ctx context.Context, a Actor, in DosingOrderInput) (store.DosingOrder, error) {
	var out store.DosingOrder
	err := s.write(ctx, a, func(tx *store.Tx) error {
		ch, err := s.chartFor(ctx, tx, a, opDosingWrite, in.ClientID, access.PrescriberOrder, access.Write)
		if err != nil {
			return err
		}
		course, ok, err := tx.CurrentCourse(ctx, ch.Client.ClinicID, ch.Client.ID)
		if err != nil {
			return err
		}
		if !ok {
			return errNoCourseForOrder(ch.Client)
		}
		st, err := s.settings(ctx, tx, a)
		if err != nil {
			return err
		}
		o := store.DosingOrder{ID: auth.NewID(), ClinicID: ch.Client.ClinicID, ClientID: ch.Client.ID, CourseID: course.ID, Order: in.Order,
			WrittenBy: a.P.UserID, WrittenAt: s.Now()}
		if err := tx.WriteDosingOrder(ctx, &o, st.Session.Settings); err != nil {
			return err
		}
		out = o
		return s.appendTx(ctx, tx, a, audit.Entry{Action: opDosingWrite.action, ResourceType: "dosing_order", ResourceID: o.ID, ClientID: ch.Client.ID,
			Detail: fmt.Sprintf("version %d", o.Version)})
	})
	return out, err
}
