-- Schema version 13.
-- A cost is an amount in a currency. The currency shown with a message's cost
-- and with each wallet ledger row was whatever sms.currency said when it was
-- read, so a change of the setting relabelled every amount ever kept. Each
-- row keeps its own now, written with the row on the send path (one short
-- text, no extra query).
-- Rows kept before get the currency sms.currency names now, the one they have
-- been shown in. The column's default is the setting's default, "EUR", so
-- adding it is instant: only a database whose sms.currency is another code
-- has its rows rewritten, once. A stored value the daemon would not take (not
-- three capital letters: a hand-edited file) made it use the default, and
-- does here too.
ALTER TABLE messages ADD COLUMN currency TEXT NOT NULL DEFAULT 'EUR';
ALTER TABLE wallet_ledger ADD COLUMN currency TEXT NOT NULL DEFAULT 'EUR';

UPDATE messages SET currency = json_extract(s.value, '$') FROM settings s
    WHERE s.key = 'sms.currency' AND json_type(s.value) = 'text'
      AND json_extract(s.value, '$') GLOB '[A-Z][A-Z][A-Z]'
      AND json_extract(s.value, '$') <> 'EUR';
UPDATE wallet_ledger SET currency = json_extract(s.value, '$') FROM settings s
    WHERE s.key = 'sms.currency' AND json_type(s.value) = 'text'
      AND json_extract(s.value, '$') GLOB '[A-Z][A-Z][A-Z]'
      AND json_extract(s.value, '$') <> 'EUR';
