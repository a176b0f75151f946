// The trace format of Session actions; see trace.hpp.
#include "drivers/at/trace.hpp"

#include "drivers/at/text.hpp"

namespace smsgw::at {

namespace {

std::string c_quoted(std::string_view s) {
    return "\"" + c_escape(s) + "\"";
}

std::string quoted_list(const std::vector<std::string>& lines) {
    std::string out = "[";
    for (std::size_t i = 0; i < lines.size(); ++i) {
        if (i) out += ", ";
        out += c_quoted(lines[i]);
    }
    return out + "]";
}

struct Printer {
    std::string operator()(const Write& w) const { return "write " + c_quoted(w.shown); }
    std::string operator()(const Complete& c) const {
        std::string out = "complete #" + std::to_string(c.id) + " " + c_quoted(c.command) + " " +
                          quoted_list(c.lines);
        if (!c.final.line.empty()) out += " " + c_quoted(c.final.line);
        return out + " => " + describe(c.final);
    }
    std::string operator()(const Urc& u) const {
        return std::string("urc ") + (u.noise ? "noise " : "") + std::string(to_string(u.kind)) +
               " " + quoted_list(u.lines);
    }
    std::string operator()(const Stray& s) const {
        return "stray " + c_quoted(s.line) + ": " + s.why;
    }
    std::string operator()(const Transition& t) const {
        return "state " + std::string(to_string(t.from)) + " -> " + std::string(to_string(t.to)) +
               ": " + c_escape(t.why);
    }
};

}  // namespace

std::string trace_line(const Action& action) {
    return std::visit(Printer{}, action);
}

std::string describe(const Final& final) {
    std::string out(to_string(final.outcome));
    if (final.error)
        out += " " + final.error->to_string() + " (" +
               std::string(to_string(final.error->entry().error_class)) + ")";
    if (!final.reason.empty()) out += ": " + final.reason;
    return out;
}

}  // namespace smsgw::at
