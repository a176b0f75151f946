-- Schema version 8.
-- A part in 'sending' is claimed by a modem's sender; `written` says its
-- AT+CMGS may have gone out: it is committed right before the command is
-- written (Store::mark_written), or with the claim by a sender that claims
-- ahead of a fast modem. After a crash only written parts are uncertain; the
-- others were never on the line and go back to the queue. It is 0 outside
-- 'sending'. Parts in 'sending' now were claimed by a version that did not mark
-- the write: taken as written, so none of them is sent again.
ALTER TABLE parts ADD COLUMN written INTEGER NOT NULL DEFAULT 0;
UPDATE parts SET written = 1 WHERE state = 'sending';
