-- Schema version 15.
-- The SIM (its IMSI) a message is bound to with its modem: a handset joins
-- only parts from one sender, and a modem's name does not say which SIM it
-- holds (a stick swapped at the same port, or a port changed by a reload).
-- Claims leave a message bound to another SIM than the modem's alone. NULL:
-- not bound, bound before this version, or a modem that did not tell its
-- IMSI.
ALTER TABLE messages ADD COLUMN sim TEXT;
