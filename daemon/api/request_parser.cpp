// The request envelope. nlohmann/json does the JSON (and refuses ill-formed
// UTF-8); before it, a cheap scan bounds the nesting depth, because echoing a
// deeply nested id would recurse once per level. Duplicate keys are refused
// (a send_batch item's refuse that item alone): nlohmann keeps the last, and a
// proxy reading the first would see another request than the daemon.
#include "daemon/api/request_parser.hpp"

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "daemon/api/param_io.hpp"
#include "daemon/api/protocol.hpp"
#include "daemon/api/suggest.hpp"

namespace smsgw::api {

namespace {

using nlohmann::json;

constexpr int max_depth = 32;

// Deepest nesting of arrays/objects, strings skipped.
int nesting_depth(std::string_view s) {
    int depth = 0, deepest = 0;
    bool in_string = false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (in_string) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            deepest = std::max(deepest, ++depth);
        } else if (c == ']' || c == '}') {
            --depth;
        }
    }
    return deepest;
}

RequestError fail(std::string id, ErrorCode code, std::string message, std::string field = {}) {
    return {std::move(id), {code, std::move(message), std::move(field)}};
}

// nlohmann's messages start with "[json.exception.parse_error.101] ".
std::string parse_error_text(const json::exception& e) {
    std::string what = e.what();
    if (const auto close = what.find("] "); close != std::string::npos) what.erase(0, close + 2);
    return what;
}

// The request's top-level "id" as the client wrote it, when it is a number
// nlohmann holds as a double (a fraction, an exponent, or an integer beyond 64
// bits): dumped back, 99999999999999999999 would come back as 1e+20 and the
// client could not match the reply to its request. A second pass over the
// line, in that rare case only, as the DOM keeps no lexemes.
class TopLevelIdLexeme final : public json::json_sax_t {
public:
    std::string lexeme;

    bool null() override { return true; }
    bool boolean(bool) override { return true; }
    bool number_integer(number_integer_t) override { return true; }
    bool number_unsigned(number_unsigned_t) override { return true; }
    bool number_float(number_float_t, const string_t& text) override {
        if (depth_ == 1 && id_next_) lexeme = text;
        return true;
    }
    bool string(string_t&) override { return true; }
    bool binary(binary_t&) override { return true; }
    bool start_object(std::size_t) override { return nest(+1); }
    bool end_object() override { return nest(-1); }
    bool start_array(std::size_t) override { return nest(+1); }
    bool end_array() override { return nest(-1); }
    bool key(string_t& name) override {
        if (depth_ == 1) id_next_ = name == "id";
        return true;
    }
    bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
        return false;
    }

private:
    int depth_ = 0;
    bool id_next_ = false;

    bool nest(int by) {
        depth_ += by;
        return true;
    }
};

std::string id_as_written(std::string_view line, const json& id) {
    if (!id.is_number_float()) return id.dump();
    TopLevelIdLexeme lexeme;
    json::sax_parse(line.begin(), line.end(), &lexeme);
    return lexeme.lexeme.empty() ? id.dump() : lexeme.lexeme;
}

// Every key given twice in one object, with its path ("text",
// "messages[3].to"): nlohmann keeps the last, and a proxy reading the first
// would see another request than the daemon. Tracks where the parser is, as
// its callback tells only the nesting depth.
class DuplicateKeys {
public:
    struct Found {
        std::string path;                // "messages[3].to"
        std::optional<std::size_t> item;  // 3: inside an item of the top-level "messages"
    };
    std::vector<Found> found;

    bool on(json::parse_event_t event, const json& parsed) {
        switch (event) {
            case json::parse_event_t::object_start:
            case json::parse_event_t::array_start:
                frames_.push_back({event == json::parse_event_t::array_start, {}, {}, 0});
                break;
            case json::parse_event_t::object_end:
            case json::parse_event_t::array_end:
                if (!frames_.empty()) frames_.pop_back();
                counted();
                break;
            case json::parse_event_t::key:
                if (!frames_.empty()) key(parsed.get<std::string>());
                break;
            case json::parse_event_t::value:
                counted();
                break;
        }
        return true;
    }

private:
    struct Frame {
        bool array = false;
        std::set<std::string> keys;  // an object's
        std::string last_key;        // an object's: whose value is being read
        std::size_t items = 0;       // an array's: values read so far
    };
    std::vector<Frame> frames_;

    void counted() {
        if (!frames_.empty() && frames_.back().array) ++frames_.back().items;
    }
    void key(const std::string& name) {
        Frame& f = frames_.back();
        f.last_key = name;
        if (f.keys.insert(name).second) return;
        std::string path;
        for (std::size_t i = 0; i + 1 < frames_.size(); ++i) {
            if (frames_[i].array)
                path += "[" + std::to_string(frames_[i].items) + "]";
            else
                path += (path.empty() ? "" : ".") + frames_[i].last_key;
        }
        Found d{path.empty() ? name : path + "." + name, std::nullopt};
        // {"messages": [ {…}, {…} ]}: the item's own error, not the request's.
        if (frames_.size() == 3 && frames_[0].last_key == "messages" && frames_[1].array)
            d.item = frames_[1].items;
        found.push_back(std::move(d));
    }
};

// A subscription asks for the data of the ops behind its events, so it is
// held to their roles as a request of that op would be: refused whole,
// naming the first event the caller may not see, rather than narrowed in
// silence (a client would wait for events that never come).
std::optional<Error> check_event_roles(const SubscribeParams& params, Role caller) {
    for (std::size_t i = 0; i < params.events.size(); ++i) {
        const EventName event = params.events[i];
        const Role needed = event_min_role(event);
        if (caller >= needed) continue;
        return Error{ErrorCode::forbidden,
                     "events[" + std::to_string(i) + "]: " + std::string(to_string(event)) +
                         " needs the " + std::string(to_string(needed)) + " role (as " +
                         std::string(to_string(event_source_op(event))) + " does); the caller is " +
                         std::string(to_string(caller)),
                     "events[" + std::to_string(i) + "]"};
    }
    return std::nullopt;
}

}  // namespace

Expected<Request, RequestError> parse_request(std::string_view line, Role caller) {
    if (line.size() > max_line_bytes)
        return unexpected(
            fail("null", ErrorCode::bad_request,
                 "request line longer than " + std::to_string(max_line_bytes) + " bytes"));
    // nlohmann's lexer takes a NUL byte for the end of its input, so the rest
    // of the line would be dropped unseen and its first part executed. JSON
    // text never holds a raw NUL (in a string it is written \u0000).
    if (const auto nul = line.find('\0'); nul != std::string_view::npos)
        return unexpected(fail("null", ErrorCode::bad_request,
                               "a NUL byte is not allowed in a request line (found at column " +
                                   std::to_string(nul + 1) + ", byte offset " +
                                   std::to_string(nul) +
                                   "); inside a JSON string write it as \\u0000"));
    if (nesting_depth(line) > max_depth)
        return unexpected(fail("null", ErrorCode::bad_request,
                               "JSON nested deeper than " + std::to_string(max_depth) + " levels"));

    DuplicateKeys duplicates;
    const json::parser_callback_t watch_keys = [&](int, json::parse_event_t event, json& parsed) {
        return duplicates.on(event, parsed);
    };
    json request;
    try {
        request = json::parse(line.begin(), line.end(), watch_keys);
    } catch (const json::parse_error& e) {
        return unexpected(
            fail("null", ErrorCode::bad_request, "malformed JSON: " + parse_error_text(e)));
    } catch (const json::out_of_range& e) {
        // A number beyond a double ("1e400"): the library reports it apart
        // from syntax errors, but for the client it is the same mistake.
        return unexpected(
            fail("null", ErrorCode::bad_request, "malformed JSON: " + parse_error_text(e)));
    }
    if (!request.is_object())
        return unexpected(fail("null", ErrorCode::bad_request,
                               "expected a JSON object, found " + describe(request)));

    const auto id = request.find("id");
    if (id == request.end())
        return unexpected(fail("null", ErrorCode::bad_request, "id: required", "id"));
    std::string id_text = id_as_written(line, *id);
    // A key twice inside a send_batch item refuses that item alone (below),
    // as any other fault of an item does; anywhere else, the request.
    const auto op_field = request.find("op");
    const bool batch = op_field != request.end() && op_field->is_string() &&
                       op_field->get_ref<const std::string&>() == to_string(Op::send_batch);
    for (const auto& d : duplicates.found)
        if (!batch || !d.item)
            return unexpected(
                fail(id_text, ErrorCode::bad_request, d.path + ": given more than once", d.path));

    const auto op_name = request.find("op");
    if (op_name == request.end())
        return unexpected(fail(id_text, ErrorCode::bad_request, "op: required", "op"));
    if (!op_name->is_string())
        return unexpected(fail(id_text, ErrorCode::bad_request,
                               "op: expected a string, found " + describe(*op_name), "op"));
    const std::string& name = op_name->get_ref<const std::string&>();
    const OpInfo* op = find_op(name);
    if (!op)
        return unexpected(fail(
            id_text, ErrorCode::unknown_op,
            "op: unknown operation " + describe(*op_name) + did_you_mean(name, op_names), "op"));
    if (caller < op->min_role)
        return unexpected(fail(id_text, ErrorCode::forbidden,
                               std::string(op->name) + " needs the " +
                                   std::string(to_string(op->min_role)) + " role; the caller is " +
                                   std::string(to_string(caller))));

    Request out{std::move(id_text), {}};
    if (auto error = read_op_params(*op, request, out.params))
        return unexpected(RequestError{std::move(out.id), std::move(*error)});
    if (auto* items = std::get_if<SendBatchParams>(&out.params))
        for (const auto& d : duplicates.found) {
            if (!d.item || *d.item >= items->messages.size()) continue;
            SendItem& item = items->messages[*d.item];
            if (item.refused) continue;
            item.refused = Error{ErrorCode::bad_request, d.path + ": given more than once", d.path};
            item.raw = request["messages"][*d.item].dump();
        }
    if (const auto* subscribe = std::get_if<SubscribeParams>(&out.params))
        if (auto error = check_event_roles(*subscribe, caller))
            return unexpected(RequestError{std::move(out.id), std::move(*error)});
    return out;
}

}  // namespace smsgw::api
