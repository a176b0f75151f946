-- 0005: the same tables with their value CHECKs written as comparisons.
-- SQLite evaluates "x IN (<three or more constants>)" by building a temporary
-- B-tree of the constants each time the CHECK runs, i.e. on every insert and
-- every state update of a message or a part; a chain of "=" compares in place.
-- The rows and what the CHECKs allow are unchanged. SQLite cannot alter a
-- CHECK, so messages, parts and optouts are rebuilt (lang_altertable.html,
-- "making other kinds of table schema changes"); the migration runs with
-- foreign-key enforcement off and checks the keys before it commits.

CREATE TABLE messages_rebuilt (
    id               INTEGER PRIMARY KEY,
    recipient        TEXT    NOT NULL,            -- E.164, "+<digits>"
    text             TEXT    NOT NULL,
    encoding         TEXT    NOT NULL CHECK (encoding = 'gsm7' OR encoding = 'ucs2'
                                             OR encoding = '8bit'),
    category         TEXT    NOT NULL CHECK (category = 'transactional'
                                             OR category = 'marketing'),
    priority         INTEGER NOT NULL DEFAULT 5,  -- 0 (lowest) … 9 (highest)
    not_before       INTEGER NOT NULL DEFAULT 0,
    expires_at       INTEGER,                     -- NULL: never
    report           INTEGER NOT NULL DEFAULT 0,  -- status report requested
    validity_minutes INTEGER,
    requested_modem  TEXT,                        -- the caller's choice, NULL: any
    modem            TEXT,                        -- bound once its first part is claimed
    idempotency_key  TEXT,
    state            TEXT    NOT NULL CHECK (state = 'queued' OR state = 'sending'
                                             OR state = 'sent' OR state = 'delivered'
                                             OR state = 'failed' OR state = 'expired'
                                             OR state = 'cancelled' OR state = 'uncertain'),
    error            TEXT,
    cost             INTEGER NOT NULL DEFAULT 0,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    caller_uid       INTEGER
);
INSERT INTO messages_rebuilt SELECT * FROM messages;

CREATE TABLE parts_rebuilt (
    id              INTEGER PRIMARY KEY,
    message_id      INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    seq             INTEGER NOT NULL CHECK (seq >= 1),
    total           INTEGER NOT NULL CHECK (total >= 1 AND seq <= total),
    pdu             TEXT    NOT NULL,             -- hex, starting with the SMSC field
    tpdu_length     INTEGER NOT NULL,             -- the octet count for AT+CMGS=
    priority        INTEGER NOT NULL,
    state           TEXT    NOT NULL CHECK (state = 'queued' OR state = 'sending'
                                            OR state = 'sent' OR state = 'delivered'
                                            OR state = 'failed' OR state = 'expired'
                                            OR state = 'cancelled' OR state = 'uncertain'),
    modem           TEXT,
    tp_mr           INTEGER CHECK (tp_mr BETWEEN 0 AND 255),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL DEFAULT 0,
    error           TEXT,
    sent_at         INTEGER,
    delivered_at    INTEGER,
    status          INTEGER,                      -- TP-ST of the last status report
    concat_ref      INTEGER,                      -- the UDH reference, NULL for one part
    UNIQUE (message_id, seq)
);
INSERT INTO parts_rebuilt SELECT * FROM parts;

CREATE TABLE optouts_rebuilt (
    id                INTEGER PRIMARY KEY,
    number            TEXT    NOT NULL UNIQUE,
    keyword           TEXT,
    at                INTEGER NOT NULL,
    source_inbound_id INTEGER REFERENCES inbound (id) ON DELETE SET NULL,
    source            TEXT    NOT NULL CHECK (source = 'keyword' OR source = 'api'
                                              OR source = 'import')
);
INSERT INTO optouts_rebuilt SELECT * FROM optouts;

DROP TABLE parts;
DROP TABLE messages;
DROP TABLE optouts;
ALTER TABLE messages_rebuilt RENAME TO messages;
ALTER TABLE parts_rebuilt RENAME TO parts;
ALTER TABLE optouts_rebuilt RENAME TO optouts;

-- The indexes of 0001, 0003 and 0004, as they were.
CREATE UNIQUE INDEX messages_idempotency ON messages (idempotency_key)
    WHERE idempotency_key IS NOT NULL;
CREATE INDEX messages_state_id ON messages (state, id);
CREATE INDEX messages_recipient_id ON messages (recipient, id);
CREATE INDEX messages_modem_state ON messages (modem, state) WHERE modem IS NOT NULL;
CREATE INDEX messages_expiry ON messages (expires_at)
    WHERE expires_at IS NOT NULL AND state IN ('queued', 'sending');
CREATE INDEX messages_open_bound ON messages (modem)
    WHERE modem IS NOT NULL AND state IN ('queued', 'sending');
CREATE INDEX messages_open_requested ON messages (requested_modem)
    WHERE requested_modem IS NOT NULL AND state IN ('queued', 'sending');
CREATE INDEX parts_queue ON parts (state, priority DESC, message_id, seq);
CREATE INDEX parts_report ON parts (modem, tp_mr, sent_at) WHERE tp_mr IS NOT NULL;
