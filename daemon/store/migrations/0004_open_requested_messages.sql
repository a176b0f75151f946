-- The modems that unfinished messages asked for (`modem` in the send) and
-- wait for. A partial index holds only those few rows, so the scheduler's
-- periodic look at them never scans the sent history.
CREATE INDEX messages_open_requested ON messages (requested_modem)
    WHERE requested_modem IS NOT NULL AND state IN ('queued', 'sending');
