-- 0001: the first schema of smsgwd's store (DESIGN.md, "Data kept").
-- Times are integer milliseconds since the Unix epoch (UTC). Amounts of money
-- are integers in the smallest unit the daemon uses, so sums are exact.
-- States use DESIGN.md's names; the CHECKs keep a typo out of the database.

CREATE TABLE messages (
    id               INTEGER PRIMARY KEY,
    recipient        TEXT    NOT NULL,            -- E.164, "+<digits>"
    text             TEXT    NOT NULL,
    encoding         TEXT    NOT NULL CHECK (encoding IN ('gsm7', 'ucs2', '8bit')),
    category         TEXT    NOT NULL CHECK (category IN ('transactional', 'marketing')),
    priority         INTEGER NOT NULL DEFAULT 5,  -- 0 (lowest) … 9 (highest)
    not_before       INTEGER NOT NULL DEFAULT 0,
    expires_at       INTEGER,                     -- NULL: never
    report           INTEGER NOT NULL DEFAULT 0,  -- status report requested
    validity_minutes INTEGER,
    requested_modem  TEXT,                        -- the caller's choice, NULL: any
    modem            TEXT,                        -- bound once its first part is claimed
    idempotency_key  TEXT,
    state            TEXT    NOT NULL CHECK (state IN ('queued', 'sending', 'sent', 'delivered',
                                                       'failed', 'expired', 'cancelled', 'uncertain')),
    error            TEXT,
    cost             INTEGER NOT NULL DEFAULT 0,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    caller_uid       INTEGER
);
-- A repeated submission finds the first message by its key.
CREATE UNIQUE INDEX messages_idempotency ON messages (idempotency_key)
    WHERE idempotency_key IS NOT NULL;
-- message.list: newest first by state or by recipient, keyset-paginated by id.
CREATE INDEX messages_state_id ON messages (state, id);
CREATE INDEX messages_recipient_id ON messages (recipient, id);
-- A modem going down releases the messages bound to it.
CREATE INDEX messages_modem_state ON messages (modem, state) WHERE modem IS NOT NULL;
-- expire(now): only messages that still have something to send.
CREATE INDEX messages_expiry ON messages (expires_at)
    WHERE expires_at IS NOT NULL AND state IN ('queued', 'sending');

-- One row per SMS-SUBMIT. priority is copied from the message so the queue
-- order comes from one index; next_attempt_at starts at the message's not_before
-- and moves forward on a temporary failure.
CREATE TABLE parts (
    id              INTEGER PRIMARY KEY,
    message_id      INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    seq             INTEGER NOT NULL CHECK (seq >= 1),
    total           INTEGER NOT NULL CHECK (total >= 1 AND seq <= total),
    pdu             TEXT    NOT NULL,             -- hex, starting with the SMSC field
    tpdu_length     INTEGER NOT NULL,             -- the octet count for AT+CMGS=
    priority        INTEGER NOT NULL,
    state           TEXT    NOT NULL CHECK (state IN ('queued', 'sending', 'sent', 'delivered',
                                                      'failed', 'expired', 'cancelled', 'uncertain')),
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
-- claim_next_parts and recover_after_crash: the queue in sending order.
CREATE INDEX parts_queue ON parts (state, priority DESC, message_id, seq);
-- Status reports: (modem, TP-MR) and the most recent send first.
CREATE INDEX parts_report ON parts (modem, tp_mr, sent_at) WHERE tp_mr IS NOT NULL;

-- Every state change of a message or a part, in order.
CREATE TABLE state_changes (
    id         INTEGER PRIMARY KEY,
    entity     TEXT    NOT NULL CHECK (entity IN ('message', 'part')),
    entity_id  INTEGER NOT NULL,
    from_state TEXT,                              -- NULL when the entity was created
    to_state   TEXT    NOT NULL,
    at         INTEGER NOT NULL,
    detail     TEXT
);
CREATE INDEX state_changes_entity ON state_changes (entity, entity_id, id);

-- Received messages, complete or released incomplete after the reassembly timeout.
CREATE TABLE inbound (
    id          INTEGER PRIMARY KEY,
    modem       TEXT    NOT NULL,
    sender      TEXT    NOT NULL,
    text        TEXT    NOT NULL,
    received_at INTEGER NOT NULL,
    raw_pdus    TEXT    NOT NULL CHECK (json_valid(raw_pdus)),  -- JSON array of hex PDUs, in seq order
    complete    INTEGER NOT NULL DEFAULT 1,
    concat_ref  INTEGER,
    parts_total INTEGER NOT NULL DEFAULT 1,
    parts_received INTEGER NOT NULL DEFAULT 1    -- how many fragments it was reassembled from
);
CREATE INDEX inbound_received_at ON inbound (received_at);
CREATE INDEX inbound_sender_id ON inbound (sender, id);

-- Concatenated parts waiting for their siblings (TS 23.040 §9.2.3.24.1).
CREATE TABLE inbound_fragments (
    id          INTEGER PRIMARY KEY,
    modem       TEXT    NOT NULL,
    sender      TEXT    NOT NULL,
    ref         INTEGER NOT NULL,
    total       INTEGER NOT NULL,
    seq         INTEGER NOT NULL,
    text        TEXT    NOT NULL,
    pdu         TEXT    NOT NULL,
    received_at INTEGER NOT NULL,
    UNIQUE (sender, ref, total, modem, seq)
);
CREATE INDEX inbound_fragments_received_at ON inbound_fragments (received_at);

-- id gives optout.list its keyset pagination; number is the key.
CREATE TABLE optouts (
    id                INTEGER PRIMARY KEY,
    number            TEXT    NOT NULL UNIQUE,
    keyword           TEXT,
    at                INTEGER NOT NULL,
    source_inbound_id INTEGER REFERENCES inbound (id) ON DELETE SET NULL,
    source            TEXT    NOT NULL CHECK (source IN ('keyword', 'api', 'import'))
);

CREATE TABLE settings (
    key        TEXT PRIMARY KEY,
    value      TEXT    NOT NULL CHECK (json_valid(value)),
    updated_at INTEGER NOT NULL,
    updated_by INTEGER                           -- uid, NULL for the daemon itself
) WITHOUT ROWID;
-- Who changed which setting, from what to what.
CREATE TABLE settings_changes (
    id        INTEGER PRIMARY KEY,
    key       TEXT    NOT NULL,
    old_value TEXT,
    new_value TEXT    NOT NULL,
    at        INTEGER NOT NULL,
    uid       INTEGER
);

-- The wallet is its ledger: the balance is the last row's balance_after.
CREATE TABLE wallet_ledger (
    id            INTEGER PRIMARY KEY,
    at            INTEGER NOT NULL,
    amount        INTEGER NOT NULL,              -- + top-up, - charge
    balance_after INTEGER NOT NULL CHECK (balance_after >= 0),
    reason        TEXT    NOT NULL,
    message_id    INTEGER REFERENCES messages (id) ON DELETE SET NULL,
    uid           INTEGER
);
