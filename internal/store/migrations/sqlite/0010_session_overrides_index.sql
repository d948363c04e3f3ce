-- A session's overrides are read on every load of its record, by session.
CREATE INDEX gate_overrides_session ON gate_overrides (session_id, at);
