// The +CME / +CMS / final-result error table; see error_table.hpp.
#include "drivers/at/error_table.hpp"

#include "drivers/at/enum_names.hpp"
#include "drivers/at/text.hpp"

namespace smsgw::at {

namespace {

constexpr EnumName<ErrorDomain> domain_names[] = {
    {ErrorDomain::cme, "cme"}, {ErrorDomain::cms, "cms"}, {ErrorDomain::v250, "v250"}};
constexpr EnumName<ErrorClass> class_names[] = {{ErrorClass::temporary, "temporary"},
                                                {ErrorClass::permanent, "permanent"},
                                                {ErrorClass::modem, "modem"}};

using D = ErrorDomain;
constexpr auto T = ErrorClass::temporary;
constexpr auto P = ErrorClass::permanent;
constexpr auto M = ErrorClass::modem;

constexpr std::string_view pin_hint = "set the SIM PIN in the modem's pin or pin_file";
constexpr std::string_view puk_hint =
    "SIM blocked after wrong PINs: unlock it with its PUK in a phone, then fix the configured PIN";
constexpr std::string_view sim_hint =
    "check that the SIM sits in the tray and its contacts are clean";
constexpr std::string_view lock_hint = "the modem is locked to another operator's SIMs";
constexpr std::string_view storage_hint =
    "delete stored messages (AT+CMGD) or choose another storage";
constexpr std::string_view coverage_hint = "check the antenna and the network coverage at the site";
constexpr std::string_view pdu_hint =
    "the modem refused our PDU: check the TPDU length given to AT+CMGS and the PDU itself";

constexpr ErrorEntry table[] = {
    // TS 27.007 §9.2.1 — general errors
    {D::cme, 0, "phone_failure", "phone failure", M, "power-cycle the modem"},
    {D::cme, 1, "no_connection_to_phone", "no connection to phone", M, {}},
    {D::cme, 2, "phone_link_reserved", "phone-adaptor link reserved", M, {}},
    {D::cme, 3, "operation_not_allowed", "operation not allowed", P,
     "the command is refused in the modem's present state (SIM, PIN or radio off)"},
    {D::cme, 4, "operation_not_supported", "operation not supported", P, {}},
    {D::cme, 5, "ph_sim_pin_required", "PH-SIM PIN required", M, lock_hint},
    {D::cme, 6, "ph_fsim_pin_required", "PH-FSIM PIN required", M, lock_hint},
    {D::cme, 7, "ph_fsim_puk_required", "PH-FSIM PUK required", M, lock_hint},
    {D::cme, 10, "sim_not_inserted", "SIM not inserted", M, sim_hint},
    {D::cme, 11, "sim_pin_required", "SIM PIN required", M, pin_hint},
    {D::cme, 12, "sim_puk_required", "SIM PUK required", M, puk_hint},
    {D::cme, 13, "sim_failure", "SIM failure", M, sim_hint},
    {D::cme, 14, "sim_busy", "SIM busy", T, "the SIM is still starting up; retry in a few seconds"},
    {D::cme, 15, "sim_wrong", "SIM wrong", M, "the modem does not accept this SIM"},
    {D::cme, 16, "incorrect_password", "incorrect password", M,
     "wrong PIN configured: fix it before retrying, every try uses up one of three attempts"},
    {D::cme, 17, "sim_pin2_required", "SIM PIN2 required", M, {}},
    {D::cme, 18, "sim_puk2_required", "SIM PUK2 required", M, {}},
    {D::cme, 20, "memory_full", "memory full", M, storage_hint},
    {D::cme, 21, "invalid_index", "invalid index", P, {}},
    {D::cme, 22, "not_found", "not found", P, {}},
    {D::cme, 23, "memory_failure", "memory failure", M, {}},
    {D::cme, 24, "text_string_too_long", "text string too long", P, {}},
    {D::cme, 25, "invalid_characters_in_text", "invalid characters in text string", P, {}},
    {D::cme, 26, "dial_string_too_long", "dial string too long", P, {}},
    {D::cme, 27, "invalid_characters_in_dial_string", "invalid characters in dial string", P, {}},
    {D::cme, 30, "no_network_service", "no network service", T, coverage_hint},
    {D::cme, 31, "network_timeout", "network timeout", T, {}},
    {D::cme, 32, "network_not_allowed", "network not allowed - emergency calls only", T,
     "the network refuses this SIM: check the subscription with the operator"},
    {D::cme, 40, "network_pin_required", "network personalization PIN required", M, lock_hint},
    {D::cme, 41, "network_puk_required", "network personalization PUK required", M, lock_hint},
    {D::cme, 42, "network_subset_pin_required", "network subset personalization PIN required", M,
     lock_hint},
    {D::cme, 43, "network_subset_puk_required", "network subset personalization PUK required", M,
     lock_hint},
    {D::cme, 44, "service_provider_pin_required", "service provider personalization PIN required",
     M, lock_hint},
    {D::cme, 45, "service_provider_puk_required", "service provider personalization PUK required",
     M, lock_hint},
    {D::cme, 46, "corporate_pin_required", "corporate personalization PIN required", M, lock_hint},
    {D::cme, 47, "corporate_puk_required", "corporate personalization PUK required", M, lock_hint},
    {D::cme, 48, "hidden_key_required", "hidden key required", M, {}},
    {D::cme, 49, "eap_method_not_supported", "EAP method not supported", P, {}},
    {D::cme, 50, "incorrect_parameters", "incorrect parameters", P, {}},
    {D::cme, 51, "command_disabled", "command implemented but currently disabled", P, {}},
    {D::cme, 52, "command_aborted", "command aborted by user", T, {}},
    {D::cme, 53, "not_attached_restricted",
     "not attached to network due to MT functionality restrictions", M,
     "the radio is restricted (AT+CFUN): set AT+CFUN=1"},
    {D::cme,
     54,
     "emergency_only_restricted",
     "modem not allowed - MT restricted to emergency calls only",
     M,
     {}},
    {D::cme, 55, "not_allowed_functionality",
     "operation not allowed because of MT functionality restrictions", M,
     "the radio is off or in flight mode: set AT+CFUN=1"},
    {D::cme, 56, "fixed_dial_number_only", "fixed dial number only allowed", M,
     "fixed dialling (FDN) is enabled on the SIM and the number is not on its list"},
    {D::cme,
     57,
     "out_of_service_other_usage",
     "temporarily out of service due to other MT usage",
     T,
     {}},
    {D::cme, 58, "language_not_supported", "language/alphabet not supported", P, {}},
    {D::cme, 59, "unexpected_data_value", "unexpected data value", P, {}},
    {D::cme, 60, "system_failure", "system failure", T, {}},
    {D::cme, 61, "data_missing", "data missing", P, {}},
    {D::cme, 62, "call_barred", "call barred", P, {}},
    {D::cme,
     63,
     "mwi_subscription_failure",
     "message waiting indication subscription failure",
     P,
     {}},
    {D::cme, 100, "unknown", "unknown", T, {}},
    // TS 27.007 §9.2.2 — GPRS/EPS errors, TS 24.008 reject causes + 100
    {D::cme, 103, "illegal_ms", "illegal MS", M,
     "the network rejected the SIM (cause #3): call the operator"},
    {D::cme, 106, "illegal_me", "illegal ME", M,
     "the network rejected the modem's IMEI (cause #6)"},
    {D::cme, 107, "gprs_not_allowed", "GPRS services not allowed", M, {}},
    {D::cme,
     108,
     "gprs_and_non_gprs_not_allowed",
     "GPRS services and non-GPRS services not allowed",
     M,
     {}},
    {D::cme, 111, "plmn_not_allowed", "PLMN not allowed", M, "the SIM may not use this network"},
    {D::cme, 112, "location_area_not_allowed", "location area not allowed", T, {}},
    {D::cme, 113, "roaming_not_allowed", "roaming not allowed in this location area", M,
     "the SIM is roaming and its subscription forbids it"},
    {D::cme, 114, "gprs_not_allowed_in_plmn", "GPRS services not allowed in this PLMN", M, {}},
    {D::cme, 115, "no_suitable_cells", "no suitable cells in location area", T, coverage_hint},
    {D::cme, 122, "congestion", "congestion", T, {}},
    {D::cme, 126, "insufficient_resources", "insufficient resources", T, {}},
    {D::cme, 127, "missing_or_unknown_apn", "missing or unknown APN", M, {}},
    {D::cme, 132, "service_option_not_supported", "service option not supported", P, {}},
    {D::cme,
     133,
     "service_option_not_subscribed",
     "requested service option not subscribed",
     M,
     {}},
    {D::cme, 134, "service_option_out_of_order", "service option temporarily out of order", T, {}},
    {D::cme, 148, "unspecified_gprs_error", "unspecified GPRS error", T, {}},
    {D::cme, 149, "pdp_authentication_failure", "PDP authentication failure", M, {}},
    {D::cme, 150, "invalid_mobile_class", "invalid mobile class", P, {}},

    // TS 24.011 Annex E.2 — RP causes, passed through +CMS ERROR by many modems
    {D::cms, 1, "unassigned_number", "unassigned (unallocated) number", P,
     "the recipient number does not exist"},
    {D::cms, 8, "operator_determined_barring", "operator determined barring", M,
     "the operator blocks SMS from this SIM (credit, contract): call the operator"},
    {D::cms, 10, "call_barred", "call barred", M, "outgoing SMS are barred for this SIM"},
    {D::cms, 21, "sm_transfer_rejected", "short message transfer rejected", P, {}},
    {D::cms, 22, "memory_capacity_exceeded", "memory capacity exceeded", T, {}},
    {D::cms, 27, "destination_out_of_service", "destination out of service", T, {}},
    {D::cms, 28, "unidentified_subscriber", "unidentified subscriber", P, {}},
    {D::cms, 29, "facility_rejected", "facility rejected", P, {}},
    {D::cms, 30, "unknown_subscriber", "unknown subscriber", P, {}},
    {D::cms, 38, "network_out_of_order", "network out of order", T, {}},
    {D::cms, 41, "temporary_failure", "temporary failure", T, {}},
    {D::cms, 42, "congestion", "congestion", T, {}},
    {D::cms, 47, "resources_unavailable", "resources unavailable, unspecified", T, {}},
    {D::cms, 50, "facility_not_subscribed", "requested facility not subscribed", M,
     "the SIM's subscription does not include SMS"},
    {D::cms, 69, "facility_not_implemented", "requested facility not implemented", P, {}},
    {D::cms,
     81,
     "invalid_transfer_reference",
     "invalid short message transfer reference value",
     T,
     {}},
    {D::cms, 95, "semantically_incorrect_message", "semantically incorrect message", P, pdu_hint},
    {D::cms, 96, "invalid_mandatory_information", "invalid mandatory information", P, pdu_hint},
    {D::cms,
     97,
     "message_type_not_implemented",
     "message type non-existent or not implemented",
     P,
     {}},
    {D::cms,
     98,
     "message_not_compatible",
     "message not compatible with short message protocol state",
     T,
     {}},
    {D::cms,
     99,
     "ie_not_implemented",
     "information element non-existent or not implemented",
     P,
     {}},
    {D::cms, 111, "protocol_error", "protocol error, unspecified", T, {}},
    {D::cms, 127, "interworking_unspecified", "interworking, unspecified", T, {}},
    // TS 23.040 §9.2.3.22 — TP-FCS values
    {D::cms,
     128,
     "telematic_interworking_not_supported",
     "telematic interworking not supported",
     P,
     {}},
    {D::cms, 129, "sm_type_0_not_supported", "short message type 0 not supported", P, {}},
    {D::cms, 130, "cannot_replace_sm", "cannot replace short message", P, {}},
    {D::cms, 143, "unspecified_tp_pid_error", "unspecified TP-PID error", P, pdu_hint},
    {D::cms, 144, "dcs_not_supported", "data coding scheme (alphabet) not supported", P, pdu_hint},
    {D::cms, 145, "message_class_not_supported", "message class not supported", P, {}},
    {D::cms, 159, "unspecified_tp_dcs_error", "unspecified TP-DCS error", P, pdu_hint},
    {D::cms, 160, "command_cannot_be_actioned", "command cannot be actioned", P, {}},
    {D::cms, 161, "command_unsupported", "command unsupported", P, {}},
    {D::cms, 175, "unspecified_tp_command_error", "unspecified TP-Command error", P, {}},
    {D::cms, 176, "tpdu_not_supported", "TPDU not supported", P, pdu_hint},
    {D::cms, 192, "sc_busy", "SC busy", T, {}},
    {D::cms, 193, "no_sc_subscription", "no SC subscription", M, "the SMSC does not know this SIM"},
    {D::cms, 194, "sc_system_failure", "SC system failure", T, {}},
    {D::cms, 195, "invalid_sme_address", "invalid SME address", P,
     "the recipient number is malformed"},
    {D::cms, 196, "destination_sme_barred", "destination SME barred", P, {}},
    {D::cms, 197, "duplicate_sm_rejected", "SM rejected-duplicate SM", P,
     "the SMSC already holds a message with this reference: an earlier attempt likely got through"},
    {D::cms, 198, "tp_vpf_not_supported", "TP-VPF not supported", P, {}},
    {D::cms, 199, "tp_vp_not_supported", "TP-VP not supported", P, {}},
    {D::cms, 208, "sim_sms_storage_full", "(U)SIM SMS storage full", M, storage_hint},
    {D::cms, 209, "no_sms_storage_in_sim", "no SMS storage capability in (U)SIM", M, {}},
    {D::cms, 210, "error_in_ms", "error in MS", M, {}},
    {D::cms, 211, "ms_memory_exceeded", "memory capacity exceeded (in the MS)", M, storage_hint},
    {D::cms, 212, "sat_busy", "(U)SIM application toolkit busy", T, {}},
    {D::cms, 213, "sim_data_download_error", "(U)SIM data download error", M, {}},
    {D::cms, 255, "unspecified_error_cause", "unspecified error cause", T, {}},
    // TS 27.005 §3.2.5 — ME/TA errors
    {D::cms, 300, "me_failure", "ME failure", T, {}},
    {D::cms, 301, "sms_service_reserved", "SMS service of ME reserved", T, {}},
    {D::cms, 302, "operation_not_allowed", "operation not allowed", P,
     "the command is refused in the modem's present state (SIM, PIN or radio off)"},
    {D::cms, 303, "operation_not_supported", "operation not supported", P, {}},
    {D::cms, 304, "invalid_pdu_mode_parameter", "invalid PDU mode parameter", P, pdu_hint},
    {D::cms, 305, "invalid_text_mode_parameter", "invalid text mode parameter", P,
     "the modem is in text mode: AT+CMGF=0 selects PDU mode"},
    {D::cms, 310, "sim_not_inserted", "(U)SIM not inserted", M, sim_hint, {}, "SIM not inserted"},
    {D::cms, 311, "sim_pin_required", "(U)SIM PIN required", M, pin_hint, {}, "SIM PIN required"},
    {D::cms,
     312,
     "ph_sim_pin_required",
     "PH-(U)SIM PIN required",
     M,
     lock_hint,
     {},
     "PH-SIM PIN required"},
    {D::cms, 313, "sim_failure", "(U)SIM failure", M, sim_hint, {}, "SIM failure"},
    {D::cms,
     314,
     "sim_busy",
     "(U)SIM busy",
     T,
     "the SIM is still starting up; retry in a few seconds",
     {},
     "SIM busy"},
    {D::cms, 315, "sim_wrong", "(U)SIM wrong", M, {}, {}, "SIM wrong"},
    {D::cms, 316, "sim_puk_required", "(U)SIM PUK required", M, puk_hint, {}, "SIM PUK required"},
    {D::cms, 317, "sim_pin2_required", "(U)SIM PIN2 required", M, {}, {}, "SIM PIN2 required"},
    {D::cms, 318, "sim_puk2_required", "(U)SIM PUK2 required", M, {}, {}, "SIM PUK2 required"},
    {D::cms, 320, "memory_failure", "memory failure", M, {}},
    {D::cms, 321, "invalid_memory_index", "invalid memory index", P, {}},
    {D::cms, 322, "memory_full", "memory full", M, storage_hint},
    {D::cms, 330, "smsc_address_unknown", "SMSC address unknown", M,
     "no SMS centre known: set smsc in the modem's config (AT+CSCA)"},
    {D::cms, 331, "no_network_service", "no network service", T, coverage_hint},
    {D::cms, 332, "network_timeout", "network timeout", T, {}},
    {D::cms, 340, "no_cnma_expected", "no +CNMA acknowledgement expected", P, {}},
    {D::cms, 500, "unknown_error", "unknown error", T, {}},
    // Manufacturer-specific codes (TS 27.005: 512 and up), as the vendors' AT manuals list them.
    {D::cms, 512, "sim_not_ready", "SIM not ready", T, {}, "simcom"},
    {D::cms, 513, "unread_records_on_sim", "unread records on SIM", T, {}, "simcom"},
    {D::cms, 515, "ps_busy", "PS busy", T, {}, "simcom"},
    {D::cms, 517, "sm_bl_not_ready", "SM BL not ready", T,
     "the SIM's SMS storage is still loading after start-up", "simcom"},
    {D::cms, 528, "non_hex_chars_in_pdu", "invalid (non-hex) chars in PDU", P, pdu_hint, "simcom"},
    {D::cms, 529, "incorrect_pdu_length", "incorrect PDU length", P, pdu_hint, "simcom"},
    {D::cms, 530, "invalid_mti", "invalid MTI", P, pdu_hint, "simcom"},
    {D::cms, 531, "non_hex_chars_in_address", "invalid (non-hex) chars in address", P, pdu_hint,
     "simcom"},
    {D::cms, 532, "invalid_address", "invalid address (no digits read)", P, pdu_hint, "simcom"},
    {D::cms, 533, "incorrect_udl", "incorrect PDU length (UDL)", P, pdu_hint, "simcom"},
    {D::cms, 534, "incorrect_sca_length", "incorrect SCA length", P, pdu_hint, "simcom"},
    {D::cms, 536, "invalid_first_octet", "invalid first octet (should be 2 or 34)", P, pdu_hint,
     "simcom"},
    {D::cms, 512, "mm_establishment_failure", "MM establishment failure (for SMS)", T,
     coverage_hint, "wavecom"},
    {D::cms, 513, "lower_layer_failure", "lower layer failure (for SMS)", T, coverage_hint,
     "wavecom"},
    {D::cms, 514, "cp_error", "CP error (for SMS)", T, {}, "wavecom"},
    {D::cms,
     515,
     "init_in_progress",
     "please wait, init or command processing in progress",
     T,
     {},
     "wavecom"},

    // V.250 §5.7.1 final result codes that end a command unsuccessfully, and vendor words
    {D::v250, 4, "error", "ERROR", T,
     "the modem gave no reason: AT+CMEE=1 makes it report error codes"},
    {D::v250, 3, "no_carrier", "NO CARRIER", T, {}},
    {D::v250, 6, "no_dialtone", "NO DIALTONE", T, {}},
    {D::v250, 7, "busy", "BUSY", T, {}},
    {D::v250, 8, "no_answer", "NO ANSWER", T, {}},
    // Huawei E1752 and other Huawei sticks answer unknown commands with these words.
    {D::v250, -1, "command_not_supported", "COMMAND NOT SUPPORT", P, {}, "huawei"},
    {D::v250, -1, "too_many_parameters", "TOO MANY PARAMETERS", P, {}, "huawei"},
};

// Codes outside the table: the number is kept in ModemError, the entry is generic.
constexpr ErrorEntry unknown_cme{D::cme,
                                 -1,
                                 "cme_unknown",
                                 "unlisted +CME ERROR",
                                 T,
                                 "not in TS 27.007: look the code up in the modem's AT manual"};
constexpr ErrorEntry unknown_cms{D::cms,
                                 -1,
                                 "cms_unknown",
                                 "unlisted +CMS ERROR",
                                 T,
                                 "not in TS 27.005: look the code up in the modem's AT manual"};
constexpr ErrorEntry vendor_cms{
    D::cms,
    -1,
    "cms_vendor_specific",
    "manufacturer-specific +CMS ERROR",
    T,
    "codes from 512 up are the manufacturer's: see the modem's AT manual"};
constexpr ErrorEntry unknown_final{D::v250, -1, "error", "ERROR", T, {}};

}  // namespace

std::string_view to_string(ErrorDomain d) {
    return enum_name(domain_names, d);
}
std::string_view to_string(ErrorClass c) {
    return enum_name(class_names, c);
}

std::span<const ErrorEntry> error_table() {
    return table;
}

const ErrorEntry* find_error(ErrorDomain domain, int code, std::string_view vendor) {
    if (code < 0) return nullptr;
    for (const auto& e : table)
        if (e.domain == domain && e.code == code && (e.vendor.empty() || e.vendor == vendor))
            return &e;
    return nullptr;
}

const ErrorEntry* find_error_text(ErrorDomain domain, std::string_view verbose) {
    const std::string key = normalize_words(verbose);
    if (key.empty()) return nullptr;
    for (const auto& e : table) {
        if (e.domain != domain) continue;
        if (normalize_words(e.text) == key || (!e.alias.empty() && normalize_words(e.alias) == key))
            return &e;
    }
    return nullptr;
}

ModemError make_modem_error(ErrorDomain domain, std::string_view err, std::string_view vendor) {
    ModemError out;
    out.domain = domain;
    out.detail = std::string(trim(err));
    if (const auto n = to_long(err); n && *n >= 0 && *n <= 65535) {
        out.code = static_cast<int>(*n);
        out.known = find_error(domain, out.code, vendor);
    } else {
        out.known = find_error_text(domain, err);
        if (out.known) out.code = out.known->code;
    }
    return out;
}

const ErrorEntry& ModemError::entry() const {
    if (known) return *known;
    switch (domain) {
        case ErrorDomain::cme:
            return unknown_cme;
        case ErrorDomain::cms:
            return code >= 512 ? vendor_cms : unknown_cms;
        case ErrorDomain::v250:
            break;
    }
    return unknown_final;
}

std::string ModemError::to_string() const {
    const ErrorEntry& e = entry();
    std::string out = domain == ErrorDomain::cme   ? "+CME ERROR"
                      : domain == ErrorDomain::cms ? "+CMS ERROR"
                                                   : "final";
    if (code >= 0 && domain != ErrorDomain::v250) out += ' ' + std::to_string(code);
    out += ' ';
    out += e.name;
    // "congestion: congestion" says nothing twice.
    const std::string_view text = known ? e.text : std::string_view(detail);
    if (text != e.name) {
        out += ": ";
        out += text;
    }
    return out;
}

}  // namespace smsgw::at
