-- Schema version 11.
-- modem.list counts the messages each modem received since the database began
-- (Store::modem_totals, once at start): by this index, a scan of names alone
-- rather than of every inbound row with its text and raw PDUs.
CREATE INDEX inbound_modem ON inbound (modem);
