// Encoding and decoding of whole PDUs: text + options → the hex strings given
// to AT+CMGS (one per part), and the hex AT+CMGR returns → a Pdu. This is the
// API the driver, the daemon, smsgw-diag and the simulator use.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "pdu/decode_error.hpp"
#include "pdu/expected.hpp"
#include "pdu/tpdu.hpp"

namespace smsgw::pdu {

// ---- decoding ----------------------------------------------------------------

// Decodes a PDU that starts with the SMSC information field (hex, either case).
// Never reads out of bounds; every inconsistency is a DecodeError naming the
// octet. The TP-MTI decides the type: 00 deliver, 01 submit, 10 status report.
// decode_pdu_partial (partial_pdu.hpp) also says what decoded before an error.
Expected<Pdu, DecodeError> decode_pdu(std::string_view hex);
Expected<Pdu, DecodeError> decode_pdu(std::span<const std::uint8_t> octets);

// Hex text → octets; the error names the first bad character or an odd length.
Expected<std::vector<std::uint8_t>, DecodeError> hex_to_octets(std::string_view hex);
std::string octets_to_hex(std::span<const std::uint8_t> octets);
void append_hex(std::span<const std::uint8_t> octets, std::string& out);  // uppercase

// ---- encoding ----------------------------------------------------------------

enum class EncodeErrorCode : std::uint8_t {
    invalid_number,  // destination or SMSC is not a phone number
    invalid_text,    // not valid UTF-8
    not_encodable,   // gsm7 requested but a character is not in GSM-7
    text_too_long,   // more than 255 parts, or over the caller's limit
    invalid_option,  // an option out of range (validity, reference)
};
const char* to_string(EncodeErrorCode code);

struct EncodeError {
    EncodeErrorCode code;
    std::string field;    // "to", "text", "smsc", "encoding", "validity", "ref"
    std::string message;  // for a person, naming what was expected
};

struct EncodedPart {
    std::string hex;      // uppercase, SMSC information field first
    int tpdu_length = 0;  // octets after the SMSC field: the AT+CMGS=<length>
};

struct EncodedMessage {
    Alphabet alphabet = Alphabet::gsm7;
    std::uint16_t reference = 0;  // concatenation reference (when parts > 1)
    std::vector<EncodedPart> parts;
};

struct SubmitOptions {
    std::string smsc;  // empty: the SIM's SMSC (SMSC field 00)
    Encoding encoding = Encoding::automatic;
    bool status_report = false;
    std::optional<int> validity_minutes;  // relative TP-VP when set
    bool flash = false;                   // message class 0
    std::optional<std::uint16_t> reference;  // concatenation reference; default: chosen
    bool reference_16bit = false;
    std::uint8_t message_reference = 0;  // TP-MR; 0 lets the modem assign it
    int max_parts = 255;
};

// SMS-SUBMIT for every part of `text` (UTF-8) to `to`. Decomposed accents are
// composed first (compose_canonical, in GSM-7 and UCS-2 alike), so the encoding,
// the parts and a not_encodable error's position are those of the composed text.
Expected<EncodedMessage, EncodeError> encode_submit(std::string_view to, std::string_view text,
                                                    const SubmitOptions& options = {});

struct DeliverOptions {
    std::string smsc;                 // empty: no SMSC field (00)
    Encoding encoding = Encoding::automatic;
    Timestamp service_centre_time;
    bool status_report_indication = false;
    std::optional<std::uint16_t> reference;
    bool reference_16bit = false;
    int max_parts = 255;
};

// SMS-DELIVER for every part of `text` from `from`: a phone number, or an
// alphanumeric sender of up to 11 GSM-7 characters. Used by the simulator, as
// a phone would send it: the text is not composed.
Expected<EncodedMessage, EncodeError> encode_deliver(std::string_view from, std::string_view text,
                                                     const DeliverOptions& options = {});

struct StatusReportOptions {
    std::string smsc;
    Timestamp service_centre_time;
    Timestamp discharge_time;
};

// SMS-STATUS-REPORT for TP-MR `reference` and TP-ST `status`. Used by the simulator.
Expected<EncodedPart, EncodeError> encode_status_report(std::uint8_t reference,
                                                        std::string_view recipient,
                                                        std::uint8_t status,
                                                        const StatusReportOptions& options = {});

}  // namespace smsgw::pdu
