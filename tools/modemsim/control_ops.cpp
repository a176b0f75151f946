// The op table of the control socket. inject_sms encodes with the project's
// pdu/ codec (concatenated SMS-DELIVER parts with a chosen reference) and can
// hand the parts over shuffled or reversed, as networks really deliver them.
#include "tools/modemsim/control_ops.hpp"

#include <algorithm>
#include <cctype>
#include <random>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "pdu/pdu_codec.hpp"
#include "tools/modemsim/pdu_json.hpp"
#include "tools/modemsim/sim_log.hpp"
#include "tools/modemsim/utc_now.hpp"

namespace smsgw::modemsim {
namespace {

using nlohmann::json;

// A request the op refuses: the message names the field and what was expected.
struct OpError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

std::string req_string(const json& req, const char* key) {
    auto it = req.find(key);
    if (it == req.end() || !it->is_string()) throw OpError(std::string(key) + ": a string is required");
    return it->get<std::string>();
}

std::optional<std::string> opt_string(const json& req, const char* key) {
    auto it = req.find(key);
    if (it == req.end() || it->is_null()) return std::nullopt;
    if (!it->is_string()) throw OpError(std::string(key) + ": expected a string");
    return it->get<std::string>();
}

std::optional<double> opt_number(const json& req, const char* key, double lo, double hi) {
    auto it = req.find(key);
    if (it == req.end() || it->is_null()) return std::nullopt;
    if (!it->is_number()) throw OpError(std::string(key) + ": expected a number");
    double v = it->get<double>();
    if (v < lo || v > hi)
        throw OpError(std::string(key) + ": expected " + std::to_string(lo) + ".." + std::to_string(hi));
    return v;
}

// An optional command line prefix ("AT+CMGD"); empty when absent.
std::string opt_command_prefix(const json& req, const char* key) {
    auto p = opt_string(req, key);
    if (!p) return {};
    if (p->size() < 2 || !(std::toupper(static_cast<unsigned char>((*p)[0])) == 'A' &&
                           std::toupper(static_cast<unsigned char>((*p)[1])) == 'T'))
        throw OpError(std::string(key) + ": expected a command line prefix starting with AT");
    return *p;
}

bool opt_bool(const json& req, const char* key) {
    auto it = req.find(key);
    if (it == req.end() || it->is_null()) return false;
    if (!it->is_boolean()) throw OpError(std::string(key) + ": expected true or false");
    return it->get<bool>();
}

json inbound_json(const InboundResult& r) {
    return {{"indexes", r.indexes}, {"routed", r.routed}, {"waiting", r.waiting},
            {"discarded", r.discarded}};
}

// Class 0 ("flash"): DeliverOptions has no class, so the DCS octet of the
// encoded SMS-DELIVER is rewritten (TS 23.040 §9.2.2.1 field order).
std::string with_class0(const std::string& hex, pdu::Alphabet alphabet) {
    auto octets = pdu::hex_to_octets(hex);
    if (!octets) throw OpError("internal: encoder produced bad hex");
    auto& o = *octets;
    std::size_t pos = 1 + o[0];        // first octet of the TPDU
    std::size_t oa_digits = o[pos + 1];  // TP-OA length in semi-octets
    std::size_t dcs = pos + 1 + 2 + (oa_digits + 1) / 2 + 1;
    if (dcs >= o.size()) throw OpError("internal: short SMS-DELIVER");
    o[dcs] = pdu::make_data_coding(alphabet, true);
    return pdu::octets_to_hex(o);
}

}  // namespace

class ControlOpsImpl {
public:
    ControlOpsImpl(ModemCore& core, const ControlOps::Unplug& unplug) : core_(core), unplug_(unplug) {}

    json inject_sms(const json& req) {
        std::string from = req_string(req, "from");
        std::string text = req_string(req, "text");
        pdu::DeliverOptions options;
        options.service_centre_time = utc_now();
        options.smsc = core_.config().smsc;
        if (auto enc = opt_string(req, "encoding")) {
            auto e = pdu::encoding_from_string(*enc);
            if (!e) throw OpError("encoding: expected auto, gsm7 or ucs2");
            options.encoding = *e;
        }
        if (auto ref = opt_number(req, "reference", 0, 65535)) {
            options.reference = static_cast<std::uint16_t>(*ref);
            options.reference_16bit = *ref > 255;
        }
        std::string order = opt_string(req, "parts_order").value_or("inorder");
        if (order != "inorder" && order != "reverse" && order != "shuffled")
            throw OpError("parts_order: expected inorder, reverse or shuffled");
        bool class0 = opt_bool(req, "class0");
        const bool announce = !req.contains("announce") || opt_bool(req, "announce");
        auto encoded = pdu::encode_deliver(from, text, options);
        if (!encoded)
            throw OpError(encoded.error().field + ": " + encoded.error().message);
        auto parts = encoded->parts;
        if (order == "reverse") std::reverse(parts.begin(), parts.end());
        if (order == "shuffled") std::shuffle(parts.begin(), parts.end(), rng_);
        InboundResult total;
        for (auto& part : parts) {
            std::string hex = class0 ? with_class0(part.hex, encoded->alphabet) : part.hex;
            auto r = core_.deliver_sms(hex, part.tpdu_length, class0 ? std::optional(0) : std::nullopt,
                                       announce);
            total.indexes.insert(total.indexes.end(), r.indexes.begin(), r.indexes.end());
            total.routed += r.routed;
            total.waiting += r.waiting;
        }
        log_event("injected " + std::to_string(parts.size()) + " part(s) from " + from);
        json j = inbound_json(total);
        j["parts"] = parts.size();
        j["reference"] = encoded->reference;
        j["encoding"] = pdu::to_string(encoded->alphabet);
        return j;
    }

    json inject_pdu(const json& req) {
        std::string hex = req_string(req, "pdu");
        auto decoded = pdu::decode_pdu(hex);
        if (!decoded) throw OpError("pdu: " + decoded.error().to_string());
        auto octets = pdu::hex_to_octets(hex);
        int length = static_cast<int>(octets->size()) - 1 - (*octets)[0];
        if (const auto* d = std::get_if<pdu::SmsDeliver>(&decoded->tpdu))
            return inbound_json(core_.deliver_sms(hex, length, d->coding.message_class));
        if (std::holds_alternative<pdu::SmsStatusReport>(decoded->tpdu))
            return inbound_json(core_.deliver_status_report(hex, length));
        throw OpError("pdu: an SMS-DELIVER or SMS-STATUS-REPORT is required, not an SMS-SUBMIT");
    }

    json status_report(const json& req) {
        auto mr = opt_number(req, "mr", 0, 255);
        if (!mr) throw OpError("mr: a number 0..255 is required");
        int status = static_cast<int>(opt_number(req, "status", 0, 255).value_or(0));
        auto recipient = opt_string(req, "recipient");
        if (!recipient) recipient = core_.recipient_of(static_cast<int>(*mr));
        if (!recipient)
            throw OpError("recipient: no part was sent with TP-MR " + std::to_string(static_cast<int>(*mr)) +
                          "; give the recipient");
        pdu::StatusReportOptions options;
        options.smsc = core_.config().smsc;
        options.service_centre_time = utc_now();
        options.discharge_time = options.service_centre_time;
        auto encoded = pdu::encode_status_report(static_cast<std::uint8_t>(*mr), *recipient,
                                                 static_cast<std::uint8_t>(status), options);
        if (!encoded) throw OpError(encoded.error().field + ": " + encoded.error().message);
        const bool announce = !req.contains("announce") || opt_bool(req, "announce");
        json j = inbound_json(
            core_.deliver_status_report(encoded->hex, encoded->tpdu_length, announce));
        j["pdu"] = encoded->hex;
        return j;
    }

    json noise(const json& req) {
        std::string line = req_string(req, "line");
        if (line.find_first_of("\r\n") != std::string::npos) throw OpError("line: one line, no CR/LF");
        core_.noise(line, opt_bool(req, "during_next_response"),
                    opt_command_prefix(req, "during_response_to"), opt_bool(req, "before_answer"));
        return json::object();
    }

    json hang(const json& req) {
        auto seconds = opt_number(req, "seconds", 0, 3600);
        if (!seconds) throw OpError("seconds: a number is required");
        core_.hang(std::chrono::milliseconds(static_cast<long>(*seconds * 1000)));
        return json::object();
    }

    json restart(const json& req) {
        // quiet: no start-up lines (a modem whose restart says nothing the
        // client knows, or whose lines are lost); keep_echo: the echo setting
        // survives (saved in the modem's profile with AT&W).
        core_.restart(!opt_bool(req, "quiet"), opt_bool(req, "keep_echo"));
        return json::object();
    }

    json sim(const json& req) {
        const auto event = opt_string(req, "event");
        if (!event) throw OpError("event: expected reset, removed or inserted");
        ModemCore::SimEvent e;
        if (*event == "reset")
            e = ModemCore::SimEvent::reset;
        else if (*event == "removed")
            e = ModemCore::SimEvent::removed;
        else if (*event == "inserted")
            e = ModemCore::SimEvent::inserted;
        else
            throw OpError("event: expected reset, removed or inserted, not \"" + *event + "\"");
        core_.sim_event(e, opt_bool(req, "announce"));
        return json::object();
    }

    json unplug(const json& req) {
        auto seconds = opt_number(req, "seconds", 0, 3600);
        if (!seconds) throw OpError("seconds: a number is required");
        unplug_(std::chrono::milliseconds(static_cast<long>(*seconds * 1000)));
        return json::object();
    }

    json set(const json& req) {
        if (auto s = opt_number(req, "signal", 0, 99)) {
            if (*s > 31 && *s != 99) throw OpError("signal: expected 0..31 or 99");
            core_.set_signal(static_cast<int>(*s));
        }
        if (auto r = opt_string(req, "registration")) {
            auto reg = registration_from_string(*r);
            if (!reg) throw OpError("registration: expected home, roaming, searching, denied or none");
            core_.set_registration(*reg);
        }
        if (req.contains("lte_only")) {
            if (!req["lte_only"].is_boolean()) throw OpError("lte_only: expected true or false");
            core_.set_lte_only(req["lte_only"].get<bool>());
        }
        if (auto e = opt_number(req, "error_rate", 0, 1)) core_.set_error_rate(*e);
        if (auto o = opt_string(req, "operator")) core_.set_operator(*o);
        if (auto ms = opt_number(req, "answer_latency_ms", 0, 600000))
            core_.set_answer_latency(static_cast<int>(*ms));
        if (auto p = opt_command_prefix(req, "lose_answer_to"); !p.empty()) core_.lose_answer_to(p);
        if (req.contains("cmgs_without_mr")) {
            if (!req["cmgs_without_mr"].is_boolean())
                throw OpError("cmgs_without_mr: expected true or false");
            core_.set_cmgs_without_mr(req["cmgs_without_mr"].get<bool>());
        }
        if (req.contains("refuse_reads")) {
            if (!req["refuse_reads"].is_boolean()) throw OpError("refuse_reads: expected true or false");
            core_.set_refuse_reads(req["refuse_reads"].get<bool>());
        }
        return json::object();
    }

    json stats(const json&) {
        SimStats s = core_.stats();
        return {{"stats",
                 {{"commands", s.commands},         {"errors", s.errors},
                  {"sent_parts", s.sent_parts},     {"cmgs_rejected", s.cmgs_rejected},
                  {"inbound_stored", s.inbound_stored}, {"inbound_routed", s.inbound_routed},
                  {"inbound_waiting", s.inbound_waiting}, {"status_reports", s.status_reports},
                  {"deleted", s.deleted},           {"noise_lines", s.noise_lines},
                  {"cnma_timeouts", s.cnma_timeouts}, {"hangs", s.hangs},
                  {"resets", s.resets}, {"answers_lost", s.answers_lost},
                  {"last_urc_monotonic_us", s.last_urc_monotonic_us}}}};
    }

    json sent(const json&) {
        json list = json::array();
        for (const auto& part : core_.sent()) list.push_back(describe_sent(part));
        return {{"sent", list}};
    }

    json storage(const json&) {
        json mems = json::object();
        for (Memory m : {Memory::sm, Memory::me, Memory::sr}) {
            json list = json::array();
            for (auto& [index, msg] : core_.store().list(m)) list.push_back(describe_stored(index, *msg));
            mems[to_string(m)] = list;
        }
        return {{"storage", mems},
                {"size", core_.config().storage_size},
                {"index_base", core_.store().index_base()}};
    }

private:
    ModemCore& core_;
    const ControlOps::Unplug& unplug_;
    std::mt19937 rng_{core_.config().seed};
};

namespace {

using OpFn = json (ControlOpsImpl::*)(const json&);
struct OpRow {
    const char* name;
    OpFn fn;
};
constexpr OpRow kOps[] = {
    {"inject_sms", &ControlOpsImpl::inject_sms}, {"inject_pdu", &ControlOpsImpl::inject_pdu},
    {"status_report", &ControlOpsImpl::status_report}, {"noise", &ControlOpsImpl::noise},
    {"hang", &ControlOpsImpl::hang}, {"unplug", &ControlOpsImpl::unplug},
    {"set", &ControlOpsImpl::set}, {"stats", &ControlOpsImpl::stats},
    {"sent", &ControlOpsImpl::sent}, {"storage", &ControlOpsImpl::storage},
    {"restart", &ControlOpsImpl::restart}, {"sim", &ControlOpsImpl::sim},
};

}  // namespace

ControlOps::ControlOps(ModemCore& core, Unplug unplug)
    : unplug_(std::move(unplug)), impl_(std::make_unique<ControlOpsImpl>(core, unplug_)) {}

ControlOps::~ControlOps() = default;

std::string ControlOps::handle(std::string_view line) {
    json reply;
    json req = json::parse(line, nullptr, false);
    if (req.is_discarded() || !req.is_object()) return R"({"ok":false,"error":"not a JSON object"})";
    if (req.contains("id")) reply["id"] = req["id"];
    try {
        std::string op = req_string(req, "op");
        const OpRow* row = nullptr;
        for (const auto& r : kOps)
            if (op == r.name) row = &r;
        if (row == nullptr) throw OpError("op: unknown operation \"" + op + "\"");
        json result = (impl_.get()->*(row->fn))(req);
        reply["ok"] = true;
        reply.update(result);
    } catch (const OpError& e) {
        reply["ok"] = false;
        reply["error"] = e.what();
    }
    return reply.dump();
}

}  // namespace smsgw::modemsim
