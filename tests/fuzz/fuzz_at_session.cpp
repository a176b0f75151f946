// Fuzzes the pure AT library: arbitrary modem bytes through the line lexer and
// the Session (with commands, clock steps and resets interleaved as the input
// dictates), and every line through every reply parser. Nothing may crash, hang
// or trip the sanitizers, and every command completes exactly once at most.
//
// Input: byte 0 picks the vendor quirks; then ops, each one byte:
//   op % 8 == 0  submit commands[op / 8]        op % 8 == 1  advance (op / 8) * 250 ms
//   op % 8 == 2  reset                          otherwise    feed the next (op / 8) + 1 bytes
#include <cstddef>
#include <cstdint>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "drivers/at/final_result.hpp"
#include "drivers/at/identity_replies.hpp"
#include "drivers/at/network_replies.hpp"
#include "drivers/at/quirks.hpp"
#include "drivers/at/session.hpp"
#include "drivers/at/sim_replies.hpp"
#include "drivers/at/sms_replies.hpp"
#include "drivers/at/trace.hpp"
#include "drivers/at/urc.hpp"

using namespace smsgw::at;

namespace {

const char* const pdu = "0011000B916407281553F80000AA0AE8329BFD4697D9EC37";

Command make(const char* text, bool with_pdu = false, bool sensitive = false) {
    Command c;
    c.text = text;
    if (with_pdu) c.pdu = pdu;
    c.sensitive = sensitive;
    return c;
}

// A send whose hold refuses it at its turn: it must still complete, once.
Command held(const char* text) {
    Command c = make(text, true);
    c.hold = [] { return std::string("modem restarted"); };
    return c;
}

void parse_everything(const std::vector<std::string>& lines) {
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const std::string& l = lines[i];
        (void)parse_final_result(l, "simcom");
        (void)classify_urc(l);
        (void)parse_registration(l);
        (void)parse_csq(l);
        (void)parse_cops(l);
        (void)parse_cpin(l);
        (void)parse_cmgs(l);
        (void)parse_cpms_query(l);
        (void)parse_cpms_set(l);
        (void)parse_cpms_test(l);
        (void)parse_csca(l);
        (void)parse_cnmi_test(l);
        if (const auto cnmi = parse_cnmi_test(l))
            (void)choose_cnmi(generic_quirks().cnmi_candidates, *cnmi);
        (void)parse_message_indication(l);
        (void)parse_pdu_urc_header(l);
        (void)parse_cusd(l);
        (void)parse_huawei_number(l, "^RSSI");
        (void)parse_huawei_hcsq(l);
        (void)parse_quectel_ind(l);
        if (i + 1 < lines.size()) (void)parse_cmgr(l, lines[i + 1]);
    }
    (void)parse_cmgl(lines);
    (void)parse_pin_retries(lines);
    (void)parse_text_answer(lines);
    for (auto kind : {IdentityKind::imei, IdentityKind::imsi, IdentityKind::iccid})
        (void)parse_identity(lines, kind);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::string_view in(reinterpret_cast<const char*>(data), size);
    const auto quirks = quirk_table();
    Session session(session_config(quirks[static_cast<std::uint8_t>(in[0]) % quirks.size()]));

    const Command commands[] = {
        make("AT+CSQ"),
        make("AT+CPIN?"),
        make("AT+CREG?"),
        make("AT+CMGS=23", true),
        make("AT+CPIN=\"1234\"", false, true),
        make("AT+CMGR=1"),
        make("AT+CMGL=4"),
        make("AT+CPMS=?"),
        make("AT+CNMI=?"),
        make("AT+CGSN"),
        make("AT\r"),
        make("AT+CMGW=23", true),
        held("AT+CMGS=23"),
    };
    constexpr std::size_t command_count = sizeof(commands) / sizeof(commands[0]);

    TimePoint now{};
    std::set<CommandId> open;
    std::vector<std::string> raw_lines;
    std::size_t i = 1;
    while (i < in.size()) {
        const auto op = static_cast<std::uint8_t>(in[i++]);
        switch (op % 8) {
            case 0:
                open.insert(session.submit(commands[(op / 8) % command_count], now));
                break;
            case 1:
                now += Millis(250) * (op / 8);
                session.on_tick(now);
                break;
            case 2:
                session.reset(now, "port closed");
                break;
            default: {
                const std::size_t n = std::min<std::size_t>(op / 8 + 1, in.size() - i);
                const std::string_view chunk = in.substr(i, n);
                i += n;
                session.on_bytes(chunk, now);
                raw_lines.emplace_back(chunk);
            }
        }
        for (const auto& action : session.take_actions()) {
            if (trace_line(action).empty()) __builtin_trap();
            if (const auto* c = std::get_if<Complete>(&action)) {
                if (open.erase(c->id) != 1)
                    __builtin_trap();  // completed twice, or never submitted
                parse_everything(c->lines);
            } else if (const auto* u = std::get_if<Urc>(&action)) {
                parse_everything(u->lines);
            }
        }
        if (const auto deadline = session.next_deadline(); deadline && *deadline < now)
            __builtin_trap();
    }
    parse_everything(raw_lines);
    return 0;
}
