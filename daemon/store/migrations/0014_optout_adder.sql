-- Schema version 14.
-- Who put a number on the opt-out list by hand (optout.add): the caller's
-- uid, as the optout.removed event names who took one off, and the ledger and
-- the settings changes name theirs. NULL for an opt-out a customer's keyword
-- made (its source_inbound_id names the message), and for those added over
-- the socket before this version, whose adder was not kept.
ALTER TABLE optouts ADD COLUMN uid INTEGER;
