// Checks that span several keys, run after every key was read on its own:
// how a modem is found and unlocked, names and devices that must be unique,
// roles that must not contradict each other, keyword lists that must not
// overlap. Each problem points at the key an operator has to change.
#include <algorithm>
#include <cctype>
#include <map>

#include "config/stages.hpp"

namespace smsgw::config {

namespace {

std::string modem_path(std::size_t i, std::string_view key = {}) {
    std::string p = "modems[" + std::to_string(i) + "]";
    if (!key.empty()) p += "." + std::string(key);
    return p;
}

// Reports every value seen before under another index: "… as modems[0]".
class UniqueCheck {
  public:
    UniqueCheck(Reader& r, std::string_view what) : r_(r), what_(what) {}
    void add(const std::string& value, const std::string& path) {
        if (value.empty()) return;
        auto [it, inserted] = first_.emplace(value, path);
        if (!inserted)
            r_.error(r_.location_of(path), path,
                     "expected a unique " + what_ + ", found \"" + value + "\" again (first at " +
                         it->second + ")");
    }

  private:
    Reader& r_;
    std::string what_;
    std::map<std::string, std::string> first_;
};

// Judged on which keys were written, not on the values kept: a `port` that
// was refused on its own must not also read as "neither port nor match".
void check_modem(Reader& r, std::size_t i) {
    const bool port = r.was_given(modem_path(i, "port"));
    const bool match = r.was_given(modem_path(i, "match"));
    if (!port && !match)
        r.error(r.location_of(modem_path(i)), modem_path(i, "port"),
                "expected `port` or `match` to say which device this modem is, found neither");
    if (port && match)
        r.error(r.location_of(modem_path(i, "match")), modem_path(i, "match"),
                "expected either `port` or `match`, found both");
    if (match &&
        r.was_given(modem_path(i, "match.imei")) == r.was_given(modem_path(i, "match.usb_serial")))
        r.error(r.location_of(modem_path(i, "match")), modem_path(i, "match"),
                "expected exactly one of `imei` or `usb_serial`");
    if (r.was_given(modem_path(i, "pin")) && r.was_given(modem_path(i, "pin_file")))
        r.error(r.location_of(modem_path(i, "pin_file")), modem_path(i, "pin_file"),
                "expected either `pin` or `pin_file`, found both");
}

std::string ascii_upper(std::string s) {
    for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

// Keywords are matched case-insensitively, so STOP and stop are one word: a
// list names each once, and a reply cannot both opt out and subscribe again.
// A list refused on its own (empty, a bad item) is not checked again here, and
// a list left out is the built-in one, which the file does not show: an
// error about it says so rather than point at a line that is not there.
void check_keywords(Reader& r, const OptoutConfig& o) {
    const std::string optout = "optout.keywords", resubscribe = "optout.resubscribe_keywords";
    const auto once = [&](const std::vector<std::string>& words, const std::string& list) {
        std::map<std::string, std::string> seen;
        for (std::size_t i = 0; i < words.size(); ++i) {
            const std::string path = list + "[" + std::to_string(i) + "]";
            auto [it, inserted] = seen.emplace(ascii_upper(words[i]), path);
            if (!inserted)
                r.error(r.location_of(path), path,
                        "expected each keyword once (in any case), found \"" + words[i] +
                            "\" again (as " + it->second + ")");
        }
    };
    const bool optout_read = r.was_given(optout) && !r.refused(optout);
    const bool resubscribe_read = r.was_given(resubscribe) && !r.refused(resubscribe);
    if (optout_read) once(o.keywords, optout);
    if (resubscribe_read) once(o.resubscribe_keywords, resubscribe);
    // Which of the two lists the file wrote decides where the overlap is reported.
    if ((r.was_given(optout) && !optout_read) || (r.was_given(resubscribe) && !resubscribe_read))
        return;
    if (!optout_read && !resubscribe_read) return;  // the built-in lists do not overlap
    // A clash with a list the file left out: what to do about it.
    const auto built_in = [](std::string_view kind, const std::string& list) {
        return "it is a built-in " + std::string(kind) + " keyword (" + list +
               " is not set): leave it out here, or set " + list + " to the words you want";
    };
    std::map<std::string, std::size_t> optout_words;
    for (std::size_t i = 0; i < o.keywords.size(); ++i)
        optout_words.emplace(ascii_upper(o.keywords[i]), i);
    for (std::size_t i = 0; i < o.resubscribe_keywords.size(); ++i) {
        const auto clash = optout_words.find(ascii_upper(o.resubscribe_keywords[i]));
        if (clash == optout_words.end()) continue;
        // Reported at the word the file wrote, as it wrote it.
        const std::string path = resubscribe_read
                                     ? resubscribe + "[" + std::to_string(i) + "]"
                                     : optout + "[" + std::to_string(clash->second) + "]";
        const std::string& word =
            resubscribe_read ? o.resubscribe_keywords[i] : o.keywords[clash->second];
        const std::string expected =
            resubscribe_read ? "a re-subscription keyword that is not an opt-out keyword"
                             : "an opt-out keyword that is not a re-subscription keyword";
        const std::string other =
            !resubscribe_read ? built_in("re-subscription", resubscribe)
            : optout_read     ? "it is " + optout + "[" + std::to_string(clash->second) + "]"
                              : built_in("opt-out", optout);
        r.error(r.location_of(path), path,
                "expected " + expected + ", found \"" + word + "\": " + other + "; a reply \"" +
                    word + "\" cannot both opt out and subscribe again");
    }
}

void check_roles(Reader& r, const RolesConfig& roles) {
    // A name in two roles is a contradiction the daemon would resolve silently.
    const std::pair<const RoleMembers*, std::string_view> all[] = {
        {&roles.admin, "admin"}, {&roles.manager, "manager"}, {&roles.member, "member"}};
    UniqueCheck users(r, "role per user");
    UniqueCheck groups(r, "role per group");
    for (const auto& [members, name] : all) {
        const std::string base = "roles." + std::string(name);
        for (std::size_t i = 0; i < members->users.size(); ++i)
            users.add(members->users[i], base + ".users[" + std::to_string(i) + "]");
        for (std::size_t i = 0; i < members->groups.size(); ++i)
            groups.add(members->groups[i], base + ".groups[" + std::to_string(i) + "]");
    }
}

}  // namespace

void validate_config(Reader& r, const Config& config) {
    UniqueCheck names(r, "modem name");
    UniqueCheck ports(r, "port (one modem per device)");
    UniqueCheck imeis(r, "IMEI");
    UniqueCheck serials(r, "USB serial number");
    for (std::size_t i = 0; i < config.modems.size(); ++i) {
        const ModemConfig& m = config.modems[i];
        check_modem(r, i);
        names.add(m.name, modem_path(i, "name"));
        ports.add(m.port, modem_path(i, "port"));
        imeis.add(m.match.imei, modem_path(i, "match.imei"));
        serials.add(m.match.usb_serial, modem_path(i, "match.usb_serial"));
    }
    check_roles(r, config.roles);
    check_keywords(r, config.optout);
    if (config.retry.backoff_seconds.empty() && config.retry.attempts > 1)
        r.error(r.location_of("retry.backoff_seconds"), "retry.backoff_seconds",
                "expected a delay before each retry (retry.attempts is " +
                    std::to_string(config.retry.attempts) +
                    "), found an empty list; [] fits only attempts: 1 (no retries)");
    if (config.limits.max_batch_messages > config.limits.max_queue)
        r.error(r.location_of("limits.max_batch_messages"), "limits.max_batch_messages",
                "expected at most limits.max_queue (" + std::to_string(config.limits.max_queue) +
                    ") messages per batch, found " +
                    std::to_string(config.limits.max_batch_messages));
}

}  // namespace smsgw::config
