// Package session holds the clinical rules of a medicine session: the routes
// and forms ketamine and esketamine are given by, the prescriber's dosing
// order, the dose calculation and its checks, the administration of a dose
// (an IV infusion's rate, when administration ended), vital signs (possible,
// unusual, confirmed) and the pre-dose blood-pressure gate, the monitoring
// protocol and its timetable, alerts, observations and adverse events, and
// the discharge criteria.
//
// It is pure: no database, HTTP or templates, and no clock of its own (every
// function that depends on the time is given "now"). The store keeps what this
// package validates; the web layer decides when to call it.
//
// Every threshold is a clinic setting. The defaults, and where each comes from,
// are those of CLINICAL.md §2 and §3; DefaultSettings and DefaultProtocol are
// the one place they are written down.
//
// Amounts a clinician acts on are fixed-point integers (Mg, Kg, MgPerKg), never
// floats, so that 0.7 mg/kg × 70 kg is exactly 49 mg and a dose exactly at a
// limit compares as at the limit.
package session
