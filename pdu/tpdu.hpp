// The three TPDUs smsgw meets (TS 23.040 §9.2.2): SMS-DELIVER (received),
// SMS-SUBMIT (sent, or read back from the SIM), SMS-STATUS-REPORT (delivery
// report), as plain data. Encoding and decoding live in pdu_codec.hpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "pdu/address.hpp"
#include "pdu/data_coding.hpp"
#include "pdu/timestamp.hpp"
#include "pdu/user_data_header.hpp"

namespace smsgw::pdu {

// The user data of any TPDU, decoded.
struct UserData {
    std::optional<UserDataHeader> header;
    // GSM-7 and UCS-2: the text in UTF-8. 8-bit: the octets as uppercase hex.
    std::string text;
    // 8-bit and UCS-2: the octets after the header (UCS-2: UTF-16BE, which
    // join_texts needs for a surrogate pair split between two parts).
    std::vector<std::uint8_t> octets;
    // GSM-7: the septets after the header, one per octet, which join_texts
    // needs for an escape (0x1B) ending one part whose character begins the next.
    std::vector<std::uint8_t> septets;
};

// TP-Validity-Period (TS 23.040 §9.2.3.12) as it appears in an SMS-SUBMIT.
struct ValidityPeriod {
    enum class Format : std::uint8_t { none = 0, enhanced = 1, relative = 2, absolute = 3 };
    Format format = Format::none;
    std::uint8_t relative = 0;           // TP-VP octet when relative
    std::optional<Timestamp> absolute;   // when absolute
    std::vector<std::uint8_t> enhanced;  // the 7 octets when enhanced
};

// Relative TP-VP (TS 23.040 §9.2.3.12.1): the smallest octet whose period is
// at least `minutes` (5 min .. 63 weeks; clamped to that range).
std::uint8_t relative_validity_octet(int minutes);
// The period a relative TP-VP octet stands for, in minutes.
int relative_validity_minutes(std::uint8_t octet);

struct SmsDeliver {
    bool more_messages_to_send = false;  // TP-MMS inverted: true when more follow
    bool reply_path = false;
    bool status_report_indication = false;
    Address originator;
    std::uint8_t protocol_id = 0;
    DataCoding coding;
    Timestamp service_centre_time;
    UserData user_data;
};

struct SmsSubmit {
    bool reject_duplicates = false;
    bool reply_path = false;
    bool status_report_request = false;
    std::uint8_t message_reference = 0;
    Address destination;
    std::uint8_t protocol_id = 0;
    DataCoding coding;
    ValidityPeriod validity;
    UserData user_data;
};

struct SmsStatusReport {
    bool more_messages_to_send = false;
    bool status_report_qualifier = false;  // TP-SRQ: report of a command, not a submit
    std::uint8_t message_reference = 0;
    Address recipient;
    Timestamp service_centre_time;  // when the SMSC took the original message
    Timestamp discharge_time;       // when the status was reached
    std::uint8_t status = 0;        // TP-ST, see status_report.hpp
    std::optional<std::uint8_t> protocol_id;
    std::optional<DataCoding> coding;
    std::optional<UserData> user_data;
};

using Tpdu = std::variant<SmsDeliver, SmsSubmit, SmsStatusReport>;

// A PDU as AT+CMGR/+CMGL/+CMT/+CDS return it: SMSC information field, then the TPDU.
struct Pdu {
    std::optional<Address> smsc;  // absent when the SMSC field is empty (00)
    Tpdu tpdu;
};

// "deliver", "submit", "status-report"
const char* type_name(const Tpdu& tpdu);

}  // namespace smsgw::pdu
