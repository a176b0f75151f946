// Property tests: random mutations of valid requests — values replaced by
// other JSON types, keys dropped, renamed or added, bytes flipped — never
// crash, and every refusal carries a documented code; parameter errors name
// a field that exists in the request or the op's schema. Accepted requests
// survive a round trip through the client helper. Seeded, so failures repeat.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <random>

#include "daemon/api/client.hpp"
#include "daemon/api/op_table.hpp"
#include "daemon/api/reply.hpp"
#include "daemon/api/request_parser.hpp"

using namespace smsgw::api;
using nlohmann::json;

namespace {

const char* const valid_requests[] = {
    R"({"id":1,"op":"hello","client":"erp","protocol":1})",
    R"({"id":"s","op":"send","to":"+491701234567","text":"Hallo","encoding":"gsm7","priority":3,"validity_minutes":60,"not_before":"2024-06-01T14:30:00Z","category":"marketing","modem":"m1","idempotency_key":"k","report":true,"transliterate":false})",
    R"({"id":2,"op":"send_batch","messages":[{"to":"+491701234567","text":"a"},{"to":"+491701234568","text":"b","priority":1}]})",
    R"({"id":3,"op":"message.get","message_id":5})",
    R"({"id":4,"op":"message.list","state":"sent","limit":10,"before_id":3,"since":"2024-01-01T00:00:00Z"})",
    R"({"id":5,"op":"message.cancel","message_id":5})",
    R"({"id":6,"op":"inbound.list","from":"DHL","limit":5})",
    R"({"id":7,"op":"optout.list","number":"+491701234567"})",
    R"({"id":8,"op":"optout.add","number":"+491701234567","note":"n"})",
    R"({"id":9,"op":"optout.remove","number":"+491701234567"})",
    R"({"id":10,"op":"settings.get","keys":["a.b"]})",
    R"({"id":11,"op":"settings.set","key":"a.b","value":3})",
    R"({"id":12,"op":"modem.list"})",
    R"({"id":13,"op":"preview","text":"€","encoding":"auto"})",
    R"({"id":14,"op":"subscribe","events":["message.sent","modem.up"]})",
    R"({"id":15,"op":"wallet.get","ledger_limit":5,"before_id":9})",
    R"({"id":16,"op":"wallet.topup","amount":"10.50","reason":"invoice 117"})",
    R"({"id":17,"op":"wallet.topup","amount":25})",
    R"({"id":18,"op":"wallet.withdraw","amount":"1.95","reason":"paid back"})",
};

json random_value(std::mt19937& rng) {
    switch (rng() % 12) {
        case 0:
            return nullptr;
        case 1:
            return true;
        case 2:
            return -1;
        case 3:
            return 0;
        case 4:
            return 18446744073709551615ULL;
        case 5:
            return 2.5;
        case 6:
            return "";
        case 7:
            return "+491701234567";
        case 8:
            return json::array({1, "x"});
        case 9:
            return json::object({{"k", 1}});
        case 10:
            return std::string(300, 'z');
        default:
            return "2024-06-01T14:30:00Z";
    }
}

// Mutates one place in the request tree (possibly inside a batch item).
void mutate(json& j, std::mt19937& rng) {
    json* target = &j;
    if (j.contains("messages") && j["messages"].is_array() && !j["messages"].empty() && rng() % 2)
        target = &j["messages"][rng() % j["messages"].size()];
    if (!target->is_object() || target->empty()) return;
    auto it = target->begin();
    std::advance(it, static_cast<long>(rng() % target->size()));
    const std::string key = it.key();
    switch (rng() % 4) {
        case 0:
            (*target)[key] = random_value(rng);
            break;
        case 1:
            target->erase(key);
            break;
        case 2: {
            json value = (*target)[key];
            target->erase(key);
            (*target)[key + (rng() % 2 ? "x" : "")] = value;
            break;
        }
        default:
            (*target)["extra" + std::to_string(rng() % 3)] = random_value(rng);
            break;
    }
}

}  // namespace

TEST_CASE("valid seed requests parse") {
    for (const char* line : valid_requests) {
        INFO(line);
        CHECK(parse_request(line, Role::admin).has_value());
    }
}

TEST_CASE("random structural mutations give a documented code and a field that exists") {
    std::mt19937 rng(4242);
    int refused = 0;
    for (int round = 0; round < 5000; ++round) {
        json request = json::parse(valid_requests[rng() % std::size(valid_requests)]);
        const int n = 1 + static_cast<int>(rng() % 3);
        for (int i = 0; i < n; ++i) mutate(request, rng);
        const std::string line = request.dump();
        const auto role = static_cast<Role>(rng() % 3);
        auto r = parse_request(line, role);
        INFO(line);
        if (r) {
            // Accepted requests are what they say: the client helper writes
            // them back into an equal request.
            const std::string again = request_line(*r);
            auto back = parse_request(std::string_view(again).substr(0, again.size() - 1), role);
            REQUIRE(back.has_value());
            CHECK(*back == *r);
            continue;
        }
        ++refused;
        const Error& e = r.error().error;
        CHECK(!e.message.empty());
        CHECK(error_code_from_string(to_string(e.code)) == e.code);
        if (!e.field.empty() && e.code != ErrorCode::unknown_op) {
            // The field names a key of the request or the op's schema (for a
            // missing one), with an index for batch items.
            const std::string head = e.field.substr(0, e.field.find_first_of(".["));
            bool known = request.contains(head) || head == "id" || head == "op";
            if (const OpInfo* op = request.contains("op") && request["op"].is_string()
                                       ? find_op(request["op"].get<std::string>())
                                       : nullptr)
                for (const ParamSpec& p : op->params) known = known || p.name == head;
            CHECK(known);
        }
        // The reply is one well-formed line whatever went wrong.
        const std::string reply = error_reply(r.error());
        CHECK(reply.find('\n') == reply.size() - 1);
        CHECK_NOTHROW(json::parse(reply));
    }
    CHECK(refused > 2500);
}

TEST_CASE("random byte mutations never crash the parser") {
    std::mt19937 rng(99);
    for (int round = 0; round < 20000; ++round) {
        std::string line = valid_requests[rng() % std::size(valid_requests)];
        const int n = 1 + static_cast<int>(rng() % 4);
        for (int i = 0; i < n; ++i) {
            const std::size_t pos = rng() % line.size();
            switch (rng() % 3) {
                case 0:
                    line[pos] = static_cast<char>(rng() % 256);
                    break;
                case 1:
                    line.erase(pos, 1 + rng() % 4);
                    break;
                default:
                    line.insert(pos, 1, "{}[]\",:\\0-e"[rng() % 11]);
                    break;
            }
            if (line.empty()) line = "{";
        }
        auto r = parse_request(line, Role::admin);
        if (!r) {
            INFO(line);
            CHECK(!r.error().error.message.empty());
            CHECK_NOTHROW(json::parse(error_reply(r.error())));
        }
    }
}
