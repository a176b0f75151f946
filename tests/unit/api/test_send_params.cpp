// `send` and `send_batch` against the op table: defaults, every parameter read
// into SendParams, and each kind of bad value with its code and field path.
#include "api_test_util.hpp"

using namespace smsgw::api;
using smsgw::api::test::parsed;
using smsgw::api::test::refused;

namespace {
const std::string head = R"({"id":1,"op":"send","to":"+491701234567","text":"Hallo")";
std::string send_with(const std::string& extra) {
    return head + extra + "}";
}
}  // namespace

TEST_CASE("send with only to and text gets the protocol defaults") {
    const auto p = parsed<SendParams>(send_with(""));
    CHECK(p.to == "+491701234567");
    CHECK(p.text == "Hallo");
    CHECK(p.encoding == Encoding::auto_detect);
    CHECK_FALSE(p.transliterate);
    CHECK(p.report);
    CHECK_FALSE(p.validity_minutes);
    CHECK(p.priority == 5);
    CHECK_FALSE(p.not_before);
    CHECK_FALSE(p.idempotency_key);
    CHECK_FALSE(p.modem);
    CHECK(p.category == Category::transactional);
}

TEST_CASE("send reads every optional parameter") {
    const auto p = parsed<SendParams>(send_with(
        R"(,"encoding":"ucs2","transliterate":true,"report":false,"validity_minutes":60,"priority":9,)"
        R"("not_before":"2024-06-01T14:30:00+02:00","idempotency_key":"order-77","modem":"office-1",)"
        R"("category":"marketing")"));
    CHECK(p.encoding == Encoding::ucs2);
    CHECK(p.transliterate);
    CHECK_FALSE(p.report);
    CHECK(p.validity_minutes == 60);
    CHECK(p.priority == 9);
    REQUIRE(p.not_before);
    CHECK(p.not_before->text == "2024-06-01T14:30:00+02:00");
    CHECK(p.not_before->unix_seconds == 1717245000);
    CHECK(p.idempotency_key == "order-77");
    CHECK(p.modem == "office-1");
    CHECK(p.category == Category::marketing);
}

TEST_CASE("null stands for an optional parameter not given") {
    const auto p = parsed<SendParams>(send_with(R"(,"modem":null,"validity_minutes":null)"));
    CHECK_FALSE(p.modem);
    CHECK_FALSE(p.validity_minutes);
    CHECK(refused(R"({"id":1,"op":"send","to":null,"text":"x"})").field == "to");
}

TEST_CASE("missing required parameters are named") {
    const Error e = refused(R"({"id":1,"op":"send","to":"+491701234567"})");
    CHECK(e.code == ErrorCode::bad_request);
    CHECK(e.field == "text");
    CHECK(e.message == "text: required parameter is missing");
}

TEST_CASE("unknown parameters are named, with a suggestion") {
    const Error e = refused(R"({"id":1,"op":"send","to":"+491701234567","tetx":"x"})");
    CHECK(e.code == ErrorCode::bad_request);
    CHECK(e.field == "tetx");
    CHECK(e.message == "tetx: unknown parameter for send; did you mean `text`?");
}

TEST_CASE("wrong types say what was expected and found") {
    const Error text = refused(R"({"id":1,"op":"send","to":"+491701234567","text":5})");
    CHECK(text.field == "text");
    CHECK(text.message == "text: expected a string, found the number 5");
    const Error report = refused(send_with(R"(,"report":"yes")"));
    CHECK(report.field == "report");
    CHECK(report.message == "report: expected true or false, found \"yes\"");
    const Error priority = refused(send_with(R"(,"priority":1.5)"));
    CHECK(priority.field == "priority");
    CHECK(priority.message == "priority: expected an integer in 0..9, found the number 1.5");
}

TEST_CASE("ranges, enums and formats") {
    CHECK(refused(send_with(R"(,"validity_minutes":4)")).message ==
          "validity_minutes: expected an integer in 5..10080, found the number 4");
    CHECK(refused(send_with(R"(,"validity_minutes":10081)")).field == "validity_minutes");
    CHECK(parsed<SendParams>(send_with(R"(,"validity_minutes":5)")).validity_minutes == 5);
    CHECK(refused(send_with(R"(,"priority":-1)")).field == "priority");
    CHECK(refused(send_with(R"(,"priority":18446744073709551615)")).field == "priority");
    CHECK(refused(send_with(R"(,"encoding":"utf8")")).message ==
          "encoding: expected one of auto, gsm7, ucs2, found \"utf8\"");
    CHECK(refused(send_with(R"(,"category":"promo")")).field == "category");
    CHECK(refused(send_with(R"(,"not_before":"2024-06-01 14:30")")).field == "not_before");
    CHECK(refused(send_with(R"(,"idempotency_key":")" + std::string(129, 'k') + "\"")).field ==
          "idempotency_key");
    CHECK(parsed<SendParams>(send_with(R"(,"idempotency_key":")" + std::string(128, 'k') + "\""))
              .idempotency_key->size() == 128);
    // smsgwd's own keys: a client's would suppress its automatic replies
    // (one of each kind per number an hour), an opt-out's confirmation too.
    CHECK(refused(send_with(R"(,"idempotency_key":"smsgwd:optout-confirmation:x")")).message ==
          "idempotency_key: expected a key not beginning with \"smsgwd:\" (smsgwd's own "
          "automatic replies use those), found \"smsgwd:optout-confirmation:x\"");
    CHECK(parsed<SendParams>(send_with(R"(,"idempotency_key":"order-smsgwd:1")"))
              .idempotency_key == "order-smsgwd:1");
    CHECK(refused(send_with(R"(,"modem":"office 1")")).field == "modem");
}

TEST_CASE("implausible numbers are invalid_number") {
    for (const char* to : {"hello", "+49 170 1234567x", "12", "++491701234567", "49+1701234567"}) {
        const Error e =
            refused(std::string(R"({"id":1,"op":"send","text":"x","to":")") + to + "\"}");
        INFO(to);
        CHECK(e.code == ErrorCode::invalid_number);
        CHECK(e.field == "to");
    }
    // White space around a number copied from a document or a spreadsheet
    // cell is not the number's; white space alone is no number.
    CHECK(refused(R"({"id":1,"op":"send","text":"x","to":" \t "})").code == ErrorCode::invalid_number);
    for (const char* to : {"+491701234567", "0170 1234567", "(0170) 123-45.67", "112",
                           " +491701234567 "})
        CHECK(
            parsed<SendParams>(std::string(R"({"id":1,"op":"send","text":"x","to":")") + to + "\"}")
                .to == to);
    CHECK(parsed<SendParams>(R"({"id":1,"op":"send","text":"x","to":"\t+491701234567\r\n"})").to ==
          "\t+491701234567\r\n");
}

TEST_CASE("text: only white space, or a control character, is bad_request naming where") {
    const auto text_refused = [](const std::string& json_text) {
        return refused(R"({"id":1,"op":"send","to":"+491701234567","text":")" + json_text + "\"}");
    };
    for (const char* blank : {" ", "   ", "\\n", " \\r\\n\\t "}) {
        const Error e = text_refused(blank);
        INFO(blank);
        CHECK(e.code == ErrorCode::bad_request);
        CHECK(e.field == "text");
        CHECK(e.message == "text: expected a text with something to read, found only white space");
    }
    const Error nul = text_refused(R"(a\u0000b)");
    CHECK(nul.code == ErrorCode::bad_request);
    CHECK(nul.field == "text");
    CHECK(nul.message ==
          "text: expected a text without control characters, found U+0000 at character 2 (line "
          "breaks, tabs and form feeds are allowed)");
    // Counted in characters, not bytes; DEL and the C1 controls too.
    CHECK(text_refused(R"(\u00e4\u00e4\u001b)").message.find("U+001B at character 3") !=
          std::string::npos);
    CHECK(text_refused(R"(x\u007f)").message.find("U+007F at character 2") != std::string::npos);
    CHECK(text_refused(R"(\u0085)").message.find("U+0085 at character 1") != std::string::npos);
    // Line breaks, a tab and a form feed are text; so is a Latin-1 letter
    // whose UTF-8 begins with the byte of the C1 controls.
    for (const char* ok : {R"(Line 1\nLine 2\r\n\tend\f)", "\u00a0x", "\u00bfQu\u00e9?"})
        CHECK_FALSE(parsed<SendParams>(R"({"id":1,"op":"send","to":"+491701234567","text":")" +
                                       std::string(ok) + "\"}")
                        .text.empty());
    // preview checks its text the same way.
    CHECK(refused(R"({"id":1,"op":"preview","text":"\u0001"})").field == "text");
}

TEST_CASE("text: empty is bad_request, beyond 255 parts is text_too_long") {
    CHECK(refused(R"({"id":1,"op":"send","to":"+491701234567","text":""})").code ==
          ErrorCode::bad_request);
    const std::string longest(255 * 153, 'a');
    CHECK(
        parsed<SendParams>(R"({"id":1,"op":"send","to":"+491701234567","text":")" + longest + "\"}")
            .text.size() == longest.size());
    const Error e =
        refused(R"({"id":1,"op":"send","to":"+491701234567","text":")" + longest + "a\"}");
    CHECK(e.code == ErrorCode::text_too_long);
    CHECK(e.field == "text");
    // Characters, not bytes: 255 × 153 two-byte characters are still in range.
    std::string umlauts;
    for (int i = 0; i < 255 * 153; ++i) umlauts += "\xC3\xA4";
    CHECK(
        parsed<SendParams>(R"({"id":1,"op":"send","to":"+491701234567","text":")" + umlauts + "\"}")
            .text == umlauts);
    // Counted as it is sent, composed: 255 × 153 "é" typed as "e" + U+0301 are
    // twice as many code points, and fit; one more does not, and the count
    // given is the composed one.
    std::string decomposed;
    for (int i = 0; i < 255 * 153; ++i) decomposed += "e\u0301";
    const std::string send = R"({"id":1,"op":"send","to":"+491701234567","text":")";
    CHECK(parsed<SendParams>(send + decomposed + "\"}").text == decomposed);
    const Error over = refused(send + decomposed + "e\u0301\"}");
    CHECK(over.code == ErrorCode::text_too_long);
    CHECK(over.message == "text: 39016 characters do not fit in 255 parts (at most 39015)");
    // A mark with no precomposed letter stays, and counts.
    std::string uncomposable;
    for (int i = 0; i < 255 * 153 / 2 + 1; ++i) uncomposable += "q\u0301";
    CHECK(refused(send + uncomposable + "\"}").code == ErrorCode::text_too_long);
}

TEST_CASE("send_batch validates each message on its own, with its index in the path") {
    const auto batch = parsed<SendBatchParams>(
        R"({"id":1,"op":"send_batch","messages":[{"to":"+491701234567","text":"a"},)"
        R"({"to":"+491701234568","text":"b","category":"marketing"}]})");
    REQUIRE(batch.messages.size() == 2);
    CHECK_FALSE(batch.messages[0].refused);
    CHECK(batch.messages[1].params.to == "+491701234568");
    CHECK(batch.messages[1].params.category == Category::marketing);

    // A bad item is refused on its own; the request and the other items stand.
    std::string mixed = R"({"id":1,"op":"send_batch","messages":[)";
    for (int i = 0; i < 3; ++i) mixed += R"({"to":"+491701234567","text":"x"},)";
    mixed += R"({"to":"nope","text":"x"},{"to":"+4917012345","text":"x","op":"send"},5,)";
    mixed += R"({"to":"+491701234567","text":""}]})";
    const auto items = parsed<SendBatchParams>(mixed).messages;
    REQUIRE(items.size() == 7);
    for (int i = 0; i < 3; ++i) CHECK_FALSE(items[i].refused);
    REQUIRE(items[3].refused);
    CHECK(items[3].refused->code == ErrorCode::invalid_number);
    CHECK(items[3].refused->field == "messages[3].to");
    CHECK(items[3].refused->message.rfind("messages[3].to: expected a phone number", 0) == 0);
    REQUIRE(items[4].refused);
    CHECK(items[4].refused->field == "messages[4].op");
    REQUIRE(items[5].refused);
    CHECK(items[5].refused->field == "messages[5]");
    CHECK(items[5].refused->message == "messages[5]: expected an object of send parameters, found the number 5");
    REQUIRE(items[6].refused);
    CHECK(items[6].refused->field == "messages[6].text");

    // The list itself is still checked whole.
    CHECK(refused(R"({"id":1,"op":"send_batch","messages":[]})").message ==
          "messages: expected at least 1 item, found 0");
    CHECK(refused(R"({"id":1,"op":"send_batch","messages":{}})").field == "messages");
}
