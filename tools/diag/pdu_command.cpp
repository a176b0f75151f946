// `smsgw-diag pdu encode|decode`: the PDU codec from the command line, with
// the JSON contract of DESIGN.md (--json) or a field table for people.
#include <CLI/CLI.hpp>
#include <iostream>

#include "tools/diag/commands.hpp"
#include "tools/diag/pdu_explain.hpp"
#include "tools/diag/pdu_json.hpp"
#include "pdu/preview.hpp"

namespace smsgw::diag {
namespace {

struct EncodeArgs {
    std::string to, text, smsc, encoding = "auto";
    bool report = false, flash = false, ref16 = false, json = false, transliterate = false;
    std::optional<int> ref, validity;
};

struct DecodeArgs {
    std::string hex;
    bool json = false;
};

// For people: which characters force UCS-2 and what the GSM-7 alternative costs.
void print_preview(const std::string& text) {
    const auto preview = pdu::preview_text(text);
    if (!preview || preview->ucs2_characters.empty()) return;
    std::cout << "characters that need UCS-2:";
    for (const auto& c : preview->ucs2_characters) std::cout << " " << c.character << " (" << c.position << ")";
    std::cout << "\ntransliterated GSM-7 alternative (--transliterate), " << preview->transliterated_count.segments
              << (preview->transliterated_count.segments == 1 ? " part" : " parts") << " instead of "
              << preview->count.segments << ":\n  " << preview->transliterated << "\n";
}

int run_encode(const EncodeArgs& a) {
    std::string text = a.text;
    if (a.transliterate) {
        const auto preview = pdu::preview_text(text);
        if (!preview) {
            std::cerr << "smsgw-diag: invalid_text: --text: " << preview.error() << "\n";
            return 1;
        }
        text = preview->transliterated;
    }
    pdu::SubmitOptions o;
    o.smsc = a.smsc;
    o.encoding = *pdu::encoding_from_string(a.encoding);  // CLI11 checked the set
    o.status_report = a.report;
    o.flash = a.flash;
    o.validity_minutes = a.validity;
    o.reference_16bit = a.ref16;
    if (a.ref) o.reference = static_cast<std::uint16_t>(*a.ref);
    const auto encoded = pdu::encode_submit(a.to, text, o);
    if (!encoded) {
        const auto& e = encoded.error();
        std::cerr << "smsgw-diag: " << pdu::to_string(e.code) << ": --" << e.field << ": " << e.message << "\n";
        return 1;
    }
    if (a.json) {
        std::cout << encoded_to_json(*encoded).dump() << "\n";
        return 0;
    }
    const auto& m = *encoded;
    std::cout << "encoding " << pdu::to_string(m.alphabet) << ", " << m.parts.size()
              << (m.parts.size() == 1 ? " part" : " parts");
    if (m.parts.size() > 1) std::cout << ", concatenation reference " << m.reference;
    std::cout << "\n";
    print_preview(text);
    for (std::size_t i = 0; i < m.parts.size(); ++i) {
        const auto& part = m.parts[i];
        std::cout << "\npart " << i + 1 << ": AT+CMGS=" << part.tpdu_length << "\n" << part.hex << "\n";
        const auto octets = pdu::hex_to_octets(part.hex);
        const auto decoded = pdu::decode_pdu(std::span<const std::uint8_t>(*octets));
        if (decoded) std::cout << explain_pdu(*octets, *decoded);
    }
    return 0;
}

int run_decode(const DecodeArgs& a) {
    std::string hex;
    for (char c : a.hex)
        if (c != ' ' && c != '\r' && c != '\n' && c != '\t') hex.push_back(c);
    const auto octets = pdu::hex_to_octets(hex);
    if (!octets) {
        std::cerr << "smsgw-diag: invalid PDU: " << octets.error().to_string() << "\n";
        return 1;
    }
    const auto decoded = pdu::decode_pdu(std::span<const std::uint8_t>(*octets));
    if (!decoded) {
        std::cerr << "smsgw-diag: invalid PDU: " << decoded.error().to_string() << "\n";
        return 1;
    }
    const auto j = pdu_to_json(*decoded);
    if (a.json) {
        std::cout << j.dump() << "\n";
        return 0;
    }
    std::cout << explain_pdu(*octets, *decoded);
    if (j.contains("text")) std::cout << "\ntext: " << j["text"].get<std::string>() << "\n";
    return 0;
}

}  // namespace

void add_pdu_command(CLI::App& app, int& status) {
    auto* pdu_cmd = app.add_subcommand("pdu", "Encode or decode SMS PDUs (3GPP TS 23.040)");
    pdu_cmd->require_subcommand(1);

    auto enc = std::make_shared<EncodeArgs>();
    auto* e = pdu_cmd->add_subcommand("encode", "Encode an SMS-SUBMIT (one PDU per part) as AT+CMGS takes it");
    e->add_option("--to", enc->to, "Destination number, e.g. +4917012345678")->required();
    e->add_option("--text", enc->text, "Message text (UTF-8)")->required();
    e->add_option("--smsc", enc->smsc, "SMSC number; default: the SIM's (SMSC field 00)");
    e->add_option("--encoding", enc->encoding, "auto (GSM-7 when it fits, else UCS-2), gsm7 or ucs2")
        ->check(CLI::IsMember({"auto", "gsm7", "ucs2"}));
    e->add_flag("--report", enc->report, "Request a status report (TP-SRR)");
    e->add_flag("--flash", enc->flash, "Flash message (class 0)");
    e->add_option("--ref", enc->ref, "Concatenation reference (default: chosen by the program)")
        ->check(CLI::Range(0, 65535));
    e->add_flag("--ref16", enc->ref16, "Use a 16-bit concatenation reference (IEI 08)");
    e->add_option("--validity", enc->validity, "Relative validity period in minutes (5 .. 635040)")
        ->check(CLI::Range(5, 635040));
    e->add_flag("--transliterate", enc->transliterate,
                "Replace characters outside GSM-7 by their closest GSM-7 spelling first");
    e->add_flag("--json", enc->json, "Print the JSON contract object");
    e->callback([enc, &status] { status = run_encode(*enc); });

    auto dec = std::make_shared<DecodeArgs>();
    auto* d = pdu_cmd->add_subcommand("decode", "Decode a PDU that starts with the SMSC field (as AT+CMGR shows it)");
    d->add_option("hex", dec->hex, "The PDU in hex")->required();
    d->add_flag("--json", dec->json, "Print the JSON contract object");
    d->callback([dec, &status] { status = run_decode(*dec); });
}

}  // namespace smsgw::diag
