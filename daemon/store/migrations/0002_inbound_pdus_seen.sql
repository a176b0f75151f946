-- Every PDU committed from a modem, kept for a while: a PDU read again because
-- the daemon stopped between its commit and AT+CMGD is recognised and only
-- deleted from the modem, never stored twice. The PDU's own bytes include the
-- service centre's time stamp (TP-SCTS), so two messages alike in every byte
-- are the same message delivered twice.
CREATE TABLE inbound_pdus_seen (
    modem   TEXT    NOT NULL,
    pdu     TEXT    NOT NULL,
    seen_at INTEGER NOT NULL,
    PRIMARY KEY (modem, pdu)
) WITHOUT ROWID;
CREATE INDEX inbound_pdus_seen_at ON inbound_pdus_seen (seen_at);
