package calendar

// A week on the clinic's calendar runs Monday to Sunday, as the schedule
// shows it.

// Monday is the Monday of the week d falls in: d itself on a Monday, the
// Monday six days before on a Sunday.
func (d Day) Monday() Day {
	return d.AddDays(-((int(d.utc().Weekday()) + 6) % 7))
}
