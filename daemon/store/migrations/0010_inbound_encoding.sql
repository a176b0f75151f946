-- Schema version 10.
-- An inbound message's encoding, as its TP-DCS says (TS 23.038 §4): 'gsm7',
-- 'ucs2' or '8bit', so a client can tell an 8-bit message's text (its octets
-- in hex) from a person's words. NULL for a PDU that did not decode: its text
-- is the daemon's "[undecodable PDU: …]", in no encoding of the sender's.
ALTER TABLE inbound ADD COLUMN encoding TEXT
    CHECK (encoding = 'gsm7' OR encoding = 'ucs2' OR encoding = '8bit');

-- Messages stored before: the encoding read from the TP-DCS of the first raw
-- PDU, found by walking its lengths in hex: the SMSC field (its length octet
-- first), the first octet (TP-MTI 00: an SMS-DELIVER), TP-OA (its length in
-- semi-octets, the type, the digits), TP-PID, then TP-DCS. The coding groups
-- as pdu/data_coding.cpp reads them; a group it refuses stays NULL. The rows
-- kept raw (empty sender, incomplete, the undecodable marker) stay NULL.
UPDATE inbound SET encoding = coded.encoding
FROM (
    SELECT id,
        CASE
            WHEN mti != 0 OR dcs < 0 THEN NULL
            WHEN dcs >> 4 <= 7 THEN
                CASE WHEN dcs & 32 THEN NULL  -- compressed (TS 23.042)
                     ELSE CASE (dcs >> 2) & 3 WHEN 0 THEN 'gsm7' WHEN 1 THEN '8bit'
                                              WHEN 2 THEN 'ucs2' END
                END
            WHEN dcs >> 4 <= 11 THEN NULL     -- reserved coding groups
            WHEN dcs >> 4 <= 13 THEN 'gsm7'   -- message waiting, discard / store
            WHEN dcs >> 4 = 14 THEN 'ucs2'    -- message waiting, store, UCS-2
            WHEN dcs & 4 THEN '8bit'          -- 1111: data coding / message class
            ELSE 'gsm7'
        END AS encoding
    FROM (
        -- TP-DCS: the octet after TP-PID; -1 when the PDU ends before it.
        SELECT id, mti,
            CASE WHEN length(pdu) < 2 * dcs_at + 2 THEN -1
                 ELSE (instr('0123456789ABCDEF', substr(pdu, 2 * dcs_at + 1, 1)) - 1) * 16
                      + instr('0123456789ABCDEF', substr(pdu, 2 * dcs_at + 2, 1)) - 1
            END AS dcs
        FROM (
            -- The first octet's TP-MTI, and where TP-DCS is: after the first
            -- octet, TP-OA's length and type octets, its digits and TP-PID.
            SELECT id, pdu,
                ((instr('0123456789ABCDEF', substr(pdu, 2 * first_at + 2, 1)) - 1) & 3) AS mti,
                first_at + 4
                    + (((instr('0123456789ABCDEF', substr(pdu, 2 * first_at + 3, 1)) - 1) * 16
                        + instr('0123456789ABCDEF', substr(pdu, 2 * first_at + 4, 1)) - 1) + 1) / 2
                    AS dcs_at
            FROM (
                -- The first octet follows the SMSC field: its length octet and that many.
                SELECT id, pdu,
                    1 + (instr('0123456789ABCDEF', substr(pdu, 1, 1)) - 1) * 16
                      + instr('0123456789ABCDEF', substr(pdu, 2, 1)) - 1 AS first_at
                FROM (
                    SELECT id, upper(json_extract(raw_pdus, '$[0]')) AS pdu
                    FROM inbound
                    WHERE NOT (sender = '' AND complete = 0
                               AND text LIKE '[undecodable PDU: %')
                )
                WHERE length(pdu) >= 4
            )
        )
    )
) AS coded
WHERE inbound.id = coded.id;
