// Parsers for the TS 27.005 SMS command answers; see sms_replies.hpp.
#include "drivers/at/sms_replies.hpp"

#include "drivers/at/enum_names.hpp"
#include "drivers/at/text.hpp"

namespace smsgw::at {

namespace {

constexpr EnumName<MessageStatus> status_names[] = {
    {MessageStatus::received_unread, "received_unread"},
    {MessageStatus::received_read, "received_read"},
    {MessageStatus::stored_unsent, "stored_unsent"},
    {MessageStatus::stored_sent, "stored_sent"},
    {MessageStatus::all, "all"},
};

ParseResult<std::vector<std::string_view>> body_args(std::string_view line, std::string_view name) {
    const auto body = info_body(line, name);
    if (!body) return parse_error("expected " + std::string(name) + ": in " + quoted(line));
    return split_args(*body);
}

// Fills pdu, length and length_consistent from the <length> field and the PDU line.
ParseResult<StoredPdu> with_pdu(StoredPdu msg, std::string_view length_field,
                                std::string_view pdu_line) {
    const auto length = int_field(length_field, 0, 255);
    if (!length) return parse_error("<length> " + quoted(length_field) + " is not 0-255");
    const std::string_view hex = trim(pdu_line);
    if (hex.size() < 2 || hex.size() % 2 != 0 || !is_hex(hex))
        return parse_error("PDU line " + quoted(hex.substr(0, 40)) +
                           " is not an even number of hex digits");
    msg.length = *length;
    msg.pdu = to_upper(hex);
    const auto smsc_octets = static_cast<std::size_t>(to_hex_ulong(hex.substr(0, 2)).value_or(0));
    msg.length_consistent = hex.size() / 2 == 1 + smsc_octets + static_cast<std::size_t>(*length);
    return msg;
}

std::optional<MessageStatus> status_of(std::string_view field) {
    const auto v = int_field(field, 0, 4);
    if (!v) return std::nullopt;
    return static_cast<MessageStatus>(*v);
}

}  // namespace

std::string_view to_string(MessageStatus s) {
    return enum_name(status_names, s);
}

ParseResult<int> parse_cmgs(std::string_view line) {
    auto args = body_args(line, "+CMGS");
    if (!args) return parse_error(args.error().reason);
    const auto mr = int_field(args->front(), 0, 255);
    if (!mr) return parse_error("<mr> " + quoted(args->front()) + " is not 0-255");
    return *mr;
}

ParseResult<StoredPdu> parse_cmgr(std::string_view header, std::string_view pdu_line) {
    auto args = body_args(header, "+CMGR");
    if (!args) return parse_error(args.error().reason);
    StoredPdu msg;
    // TS 27.005 §3.4.3 gives <stat>,[<alpha>],<length>; captures also show
    // <length> alone (gammu at-sms/38), <stat>,<length> (at-sms/10) and a leading
    // <index> as in +CMGL (at-sms/26).
    std::size_t stat_at = 0;
    switch (args->size()) {
        case 1:
            stat_at = std::string_view::npos;
            break;
        case 2:
        case 3:
            break;
        case 4:
            msg.index = int_field(args->front(), 0, 65535);
            if (!msg.index)
                return parse_error("<index> " + quoted(args->front()) + " is not a number");
            stat_at = 1;
            break;
        default:
            return parse_error("expected <stat>,[<alpha>],<length> in " + quoted(header));
    }
    if (stat_at != std::string_view::npos) {
        const std::string_view stat = (*args)[stat_at];
        msg.status = status_of(stat);
        if (!stat.empty() && !msg.status)
            return parse_error("<stat> " + quoted(stat) + " is not 0-3");
    }
    if (args->size() >= 3) msg.alpha = unquote((*args)[args->size() - 2]);
    return with_pdu(std::move(msg), args->back(), pdu_line);
}

ParseResult<std::vector<StoredPdu>> parse_cmgl(std::span<const std::string> lines) {
    std::vector<StoredPdu> out;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        auto args = body_args(lines[i], "+CMGL");
        if (!args) return parse_error("line " + std::to_string(i + 1) + ": " + args.error().reason);
        if (args->size() < 3 || args->size() > 4)
            return parse_error("expected <index>,<stat>,[<alpha>],<length> in " + quoted(lines[i]));
        if (i + 1 >= lines.size()) return parse_error("no PDU line after " + quoted(lines[i]));
        StoredPdu msg;
        msg.index = int_field(args->front(), 0, 65535);
        if (!msg.index) return parse_error("<index> " + quoted(args->front()) + " is not a number");
        msg.status = status_of((*args)[1]);
        if (args->size() == 4) msg.alpha = unquote((*args)[2]);
        auto filled = with_pdu(std::move(msg), args->back(), lines[++i]);
        if (!filled) return parse_error(filled.error().reason);
        out.push_back(std::move(*filled));
    }
    return out;
}

ParseResult<std::vector<StorageUse>> parse_cpms_query(std::string_view line) {
    auto args = body_args(line, "+CPMS");
    if (!args) return parse_error(args.error().reason);
    if (args->size() % 3 != 0)
        return parse_error("expected triples <mem>,<used>,<total> in " + quoted(line));
    std::vector<StorageUse> out;
    for (std::size_t i = 0; i < args->size(); i += 3) {
        const auto used = int_field((*args)[i + 1], 0, 100000);
        const auto total = int_field((*args)[i + 2], 0, 100000);
        // Nokia N79 answers "+CPMS: ,,,,,,,," — no storage at all.
        if (unquote((*args)[i]).empty() || !used || !total)
            return parse_error("storage " + std::to_string(i / 3 + 1) +
                               " is not <mem>,<used>,<total> in " + quoted(line));
        out.push_back({unquote((*args)[i]), *used, *total});
    }
    return out;
}

ParseResult<std::vector<StorageUse>> parse_cpms_set(std::string_view line) {
    auto args = body_args(line, "+CPMS");
    if (!args) return parse_error(args.error().reason);
    if (args->size() % 2 != 0)
        return parse_error("expected pairs <used>,<total> in " + quoted(line));
    std::vector<StorageUse> out;
    for (std::size_t i = 0; i < args->size(); i += 2) {
        const auto used = int_field((*args)[i], 0, 100000);
        const auto total = int_field((*args)[i + 1], 0, 100000);
        if (!used || !total)
            return parse_error("pair " + std::to_string(i / 2 + 1) + " is not numbers in " +
                               quoted(line));
        out.push_back({{}, *used, *total});
    }
    return out;
}

const StorageUse& received_storage_use(const std::vector<StorageUse>& use) {
    return use.size() >= 3 ? use[2] : use.front();
}

ParseResult<std::vector<std::vector<std::string>>> parse_cpms_test(std::string_view line) {
    auto args = body_args(line, "+CPMS");
    if (!args) return parse_error(args.error().reason);
    // Wavecom Multiband 900E wraps all lists in one more pair: "((…),(…))".
    if (args->size() == 1 && args->front().size() >= 2 && args->front().starts_with("((")) {
        const std::string_view inner = args->front().substr(1, args->front().size() - 2);
        args = split_args(inner);
    }
    std::vector<std::vector<std::string>> out;
    for (std::string_view field : *args) {
        if (field.empty()) {
            if (args->size() == 1)
                return parse_error("no storage list (Samsung J700 answers '+CPMS: ')");
            return parse_error("empty storage list in " + quoted(line));
        }
        auto list = parse_string_list(field);
        if (!list) return parse_error(list.error().reason);
        out.push_back(std::move(*list));
    }
    return out;
}

ParseResult<ServiceCentre> parse_csca(std::string_view line) {
    auto args = body_args(line, "+CSCA");
    if (!args) return parse_error(args.error().reason);
    ServiceCentre sc;
    sc.number = unquote(args->front());
    if (args->size() >= 2) sc.type = int_field((*args)[1], 0, 255);
    // UCS-2 hex: four hex digits per character, and every character a dialling one.
    if (sc.number.size() >= 8 && sc.number.size() % 4 == 0 && is_hex(sc.number)) {
        std::string decoded;
        for (std::size_t i = 0; i < sc.number.size(); i += 4) {
            const auto unit =
                to_hex_ulong(std::string_view(sc.number).substr(i, 4)).value_or(0xFFFF);
            const bool dialling =
                (unit >= '0' && unit <= '9') || unit == '+' || unit == '*' || unit == '#';
            if (!dialling) {
                decoded.clear();
                break;
            }
            decoded.push_back(static_cast<char>(unit));
        }
        if (!decoded.empty()) sc.number = decoded;
    }
    if (sc.number.empty()) return parse_error("no SMSC number in " + quoted(line));
    for (char c : sc.number)
        if (!((c >= '0' && c <= '9') || c == '+' || c == '*' || c == '#'))
            return parse_error("SMSC " + quoted(sc.number) + " is not a dialling string");
    return sc;
}

bool CnmiSupport::supports(int m, int t, int b, int d, int f) const {
    return mode.contains(m) && mt.contains(t) && bm.contains(b) && ds.contains(d) &&
           bfr.contains(f);
}

ParseResult<CnmiSupport> parse_cnmi_test(std::string_view line) {
    auto args = body_args(line, "+CNMI");
    if (!args) return parse_error(args.error().reason);
    if (args->size() != 5) return parse_error("expected five range lists in " + quoted(line));
    CnmiSupport s;
    RangeList* slots[] = {&s.mode, &s.mt, &s.bm, &s.ds, &s.bfr};
    for (std::size_t i = 0; i < 5; ++i) {
        auto r = parse_range_list((*args)[i]);
        if (!r) return parse_error(r.error().reason);
        *slots[i] = std::move(*r);
    }
    return s;
}

}  // namespace smsgw::at
