// `smsgw-diag send PORT --to NUMBER --text TEXT`: one test message through the
// daemon's own codec and AT engine, showing every AT exchange as it happens
// (the "> " prompt, the PDU and Ctrl-Z, +CMGS), part after part for a long
// text, and ending with the TP-MR of each part or the modem's +CMS ERROR read
// through the error table (text, class, what to do). Exit 0 when every part
// was taken, 1 otherwise.
#include <CLI/CLI.hpp>
#include <iostream>
#include <nlohmann/json.hpp>

#include "drivers/at/sms_replies.hpp"
#include "pdu/pdu_codec.hpp"
#include "tools/diag/commands.hpp"
#include "tools/diag/modem_steps.hpp"
#include "tools/diag/output.hpp"
#include "tools/diag/transcript.hpp"

namespace smsgw::diag {

namespace {

using namespace std::chrono_literals;

struct SendArgs {
    std::string port, to, text, smsc, encoding = "auto";
    ModemOptions modem;
    bool report = false, json = false;
};

struct PartResult {
    std::string pdu;
    int length = 0;
    std::optional<int> mr;
    std::optional<at::Final> failure;
};

struct SendResult {
    std::vector<PartResult> parts;
    std::string problem;  // why nothing could be sent (port, SIM, PDU mode), for people
    std::string hint;
    bool error_codes_on = false;  // AT+CMEE was on: a bare ERROR is an unsupported command
};

nlohmann::json final_json(const at::Final& f, bool error_codes_on) {
    nlohmann::json j{{"outcome", at::to_string(f.outcome)}, {"line", f.line}};
    if (f.error) {
        const auto& e = f.error->entry();
        j["code"] = f.error->code;
        j["domain"] = at::to_string(f.error->domain);
        j["name"] = e.name;
        j["text"] = e.text;
        j["class"] = at::to_string(e.error_class);
        j["hint"] = e.hint;
        if (f.bare_error()) {  // no code, so no class
            j["class"] = nullptr;
            j["hint"] = bare_error_hint(error_codes_on);
        }
    }
    if (!f.reason.empty()) j["reason"] = f.reason;
    return j;
}

awaitable<int> run_send(asio::any_io_executor ex, const SendArgs& a,
                        const pdu::EncodedMessage& message, Transcript& transcript,
                        SendResult& result) {
    for (const auto& p : message.parts) result.parts.push_back({p.hex, p.tpdu_length, {}, {}});
    PortLink link(ex, a.port);
    if (auto failure = link.open(a.modem.baud)) {
        result.problem = failure->what;
        result.hint = failure->hint;
        co_return 1;
    }
    link.show(&transcript);
    auto at_ok = co_await ask(link, "AT", 3000ms);
    if (!at_ok.ok()) {
        result.problem = "no answer to AT: " + describe_final(at_ok.final);
        result.hint = "wrong port or baud, or the modem is booting: `smsgw-diag scan --probe`";
        co_return 1;
    }
    co_await set_up_session(link);
    const auto id = co_await identify(link);  // vendor prompt delay and +CMS codes
    const auto wait = std::chrono::seconds(a.modem.wait_seconds);
    const auto unlock = co_await unlock_sim(link, *id.quirks, a.modem.pin, a.modem.force, wait);
    if (unlock.sim.state != at::PinState::ready) {
        const auto check = unlock.rejected ? judge_wrong_pin(unlock.sim, *unlock.rejected)
                                           : judge_sim(unlock.sim, a.modem.pin.has_value(), false);
        result.problem = "SIM not ready: " + check.value;
        result.hint = check.hint;
        co_return 1;
    }
    // Just unlocked: the modem registers on its own; give it the time a phone gets.
    if (unlock.entered) co_await wait_registration(link, true, wait);
    const auto cmgf = co_await ask(link, "AT+CMGF=0");
    if (!cmgf.ok()) {
        result.problem = "PDU mode refused: " + describe_final(cmgf.final, link.error_codes_on());
        result.hint = "smsgw needs PDU mode (AT+CMGF=0): see `smsgw-diag probe`";
        co_return 1;
    }
    for (auto& part : result.parts) {
        at::Command cmd;
        cmd.text = "AT+CMGS=" + std::to_string(part.length);
        cmd.pdu = part.pdu;
        const auto reply = co_await link.ask(std::move(cmd));
        if (reply.ok()) {
            if (auto mr = at::parse_cmgs(reply.line("+CMGS"))) part.mr = *mr;
        }
        if (!reply.ok() || !part.mr) {
            part.failure = reply.final;
            break;  // the rest of a multi-part message is useless without this part
        }
    }
    result.error_codes_on = link.error_codes_on();
    link.show(nullptr);
    link.close();
    co_return 0;
}

int send(const SendArgs& a) {
    pdu::SubmitOptions o;
    o.smsc = a.smsc;
    o.status_report = a.report;
    o.encoding = *pdu::encoding_from_string(a.encoding);  // CLI11 checked the set
    const auto encoded = pdu::encode_submit(a.to, a.text, o);
    if (!encoded) {
        const auto& e = encoded.error();
        std::cerr << "smsgw-diag: " << pdu::to_string(e.code) << ": --" << e.field << ": "
                  << e.message << "\n";
        return 2;
    }
    if (!a.json)
        std::cout << "sending to " << a.to << ": " << encoded->parts.size()
                  << (encoded->parts.size() == 1 ? " part" : " parts") << ", "
                  << pdu::to_string(encoded->alphabet) << "\n";
    Transcript transcript(a.json ? nullptr : &std::cout);
    SendResult result;
    run_on_io(
        [&](asio::any_io_executor ex) { return run_send(ex, a, *encoded, transcript, result); });

    const bool all_sent =
        result.problem.empty() && std::all_of(result.parts.begin(), result.parts.end(),
                                              [](const PartResult& p) { return p.mr.has_value(); });
    if (a.json) {
        nlohmann::json parts = nlohmann::json::array();
        for (const auto& p : result.parts) {
            nlohmann::json j{{"pdu", p.pdu}, {"length", p.length}, {"mr", nullptr}};
            if (p.mr) j["mr"] = *p.mr;
            if (p.failure) j["error"] = final_json(*p.failure, result.error_codes_on);
            parts.push_back(std::move(j));
        }
        nlohmann::json out{{"port", a.port},
                           {"to", a.to},
                           {"encoding", pdu::to_string(encoded->alphabet)},
                           {"parts", parts},
                           {"transcript", transcript.lines()},
                           {"ok", all_sent}};
        if (!result.problem.empty())
            out["problem"] = {{"what", result.problem}, {"hint", result.hint}};
        std::cout << out.dump() << "\n";
        return all_sent ? 0 : 1;
    }
    std::cout << "\n";
    if (!result.problem.empty()) {
        std::cout << "NOT SENT: " << result.problem << "\n  hint: " << result.hint << "\n";
        return 1;
    }
    for (std::size_t i = 0; i < result.parts.size(); ++i) {
        const auto& p = result.parts[i];
        std::cout << "part " << i + 1 << "/" << result.parts.size() << ": ";
        if (p.mr) {
            std::cout << "sent, TP-MR " << *p.mr << "\n";
        } else if (p.failure && p.failure->bare_error()) {
            std::cout << "FAILED " << describe_final(*p.failure, result.error_codes_on) << "\n";
        } else if (p.failure && p.failure->error) {
            const auto& e = p.failure->error->entry();
            std::cout << "FAILED " << p.failure->error->to_string()
                      << "\n  class: " << at::to_string(e.error_class)
                      << (e.error_class == at::ErrorClass::temporary ? " (may succeed later)" : "")
                      << "\n";
            if (!e.hint.empty()) std::cout << "  hint: " << e.hint << "\n";
        } else if (p.failure && p.failure->outcome == at::Outcome::uncertain) {
            std::cout
                << "UNCERTAIN: no answer after the PDU — the network may have taken it; check the "
                   "recipient's phone before sending again\n";
        } else if (p.failure) {
            std::cout << "FAILED " << describe_final(*p.failure) << "\n";
        } else {
            std::cout << "not sent (an earlier part failed)\n";
        }
    }
    return all_sent ? 0 : 1;
}

}  // namespace

void add_send_command(CLI::App& app, int& status) {
    auto args = std::make_shared<SendArgs>();
    auto* cmd = app.add_subcommand("send", "send a test SMS, showing every AT exchange");
    cmd->add_option("port", args->port, "serial port of the modem")->required();
    cmd->add_option("--to", args->to, "recipient, international (+49…) preferred")->required();
    cmd->add_option("--text", args->text, "message text (long texts go as several parts)")
        ->required();
    cmd->add_option("--smsc", args->smsc, "SMS centre to use instead of the SIM's");
    cmd->add_option("--encoding", args->encoding, "auto, gsm7 or ucs2")
        ->capture_default_str()
        ->check(CLI::IsMember({"auto", "gsm7", "ucs2"}));
    cmd->add_flag("--report", args->report, "request a delivery status report");
    add_modem_options(*cmd, args->modem);
    cmd->add_flag("--json", args->json,
                  "one JSON object: parts with TP-MR or error, the transcript, ok");
    cmd->callback([args, &status] {
        set_verbose(args->modem.verbose);
        status = send(*args);
    });
}

}  // namespace smsgw::diag
