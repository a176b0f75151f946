#include "daemon/core/message_builder.hpp"

#include <algorithm>
#include <chrono>

#include "daemon/core/views.hpp"
#include "daemon/policy/company_prefix.hpp"
#include "daemon/policy/cost.hpp"
#include "daemon/policy/numbers.hpp"
#include "pdu/compose.hpp"
#include "pdu/pdu_codec.hpp"
#include "pdu/transliterate.hpp"
#include "pdu/utf8.hpp"

namespace smsgw::core {

namespace {

// The message starts with the parameter's path, as the request checks' do
// ("messages[3].to: …").
api::Error error(api::ErrorCode code, const std::string& message, std::string_view prefix,
                 std::string_view field) {
    std::string path = std::string(prefix) + std::string(field);
    return api::Error{code, path + ": " + message, path};
}

pdu::Encoding pdu_encoding(api::Encoding e) {
    switch (e) {
        case api::Encoding::gsm7: return pdu::Encoding::gsm7;
        case api::Encoding::ucs2: return pdu::Encoding::ucs2;
        case api::Encoding::auto_detect: break;
    }
    return pdu::Encoding::automatic;
}

}  // namespace

std::string outgoing_text(std::string_view text, api::Category category, bool transliterate,
                          const policy::Settings& settings) {
    std::string out = policy::apply_company_prefix(text, category, settings);
    // Decomposed accents ("e" + U+0301) composed, as the encoder sends them:
    // what is stored, shown by message.get and previewed is what goes out, and
    // the segments and the cost are counted on it.
    pdu::compose_canonical_utf8(out);
    if (!transliterate) return out;
    std::u32string code_points;
    if (pdu::utf8_decode(out, code_points)) return out;  // the encoder reports the bad byte
    return pdu::utf8_encode(pdu::transliterate_to_gsm7(code_points));
}

std::optional<api::Error> check_encoding_options(bool transliterate, api::Encoding encoding,
                                                 std::string_view prefix) {
    if (!transliterate || encoding != api::Encoding::ucs2) return std::nullopt;
    return error(api::ErrorCode::bad_request,
                 "true together with encoding \"ucs2\": transliterate replaces the characters "
                 "GSM-7 lacks so that the text goes as GSM-7; leave out one of the two",
                 prefix, "transliterate");
}

Expected<std::string, api::Error> number_param(const std::string& input,
                                               std::string_view default_country,
                                               std::string_view prefix, std::string_view field) {
    auto number = policy::normalize(input, default_country);
    if (!number)
        return unexpected(error(api::ErrorCode::invalid_number,
                                "\"" + input + "\" is not a phone number: " +
                                    number.error().reason,
                                prefix, field));
    return std::move(*number);
}

Expected<store::NewMessage, api::Error> build_message(const api::SendParams& p,
                                                      const BuildContext& ctx,
                                                      std::optional<std::int64_t> caller_uid,
                                                      std::string_view prefix) {
    if (auto contradiction = check_encoding_options(p.transliterate, p.encoding, prefix))
        return unexpected(std::move(*contradiction));
    auto number = number_param(p.to, ctx.default_country, prefix, "to");
    if (!number) return unexpected(std::move(number).error());
    // A time in the past means now; one too far ahead is refused (see
    // max_not_before_ahead) rather than queued until then.
    if (p.not_before) {
        const store::Time latest = ctx.now + max_not_before_ahead;
        if (store::Time(p.not_before->since_epoch()) > latest)
            return unexpected(error(api::ErrorCode::bad_request,
                                    "expected a time at most " +
                                        std::to_string(max_not_before_ahead.count()) +
                                        " days ahead, at the latest " + format_time(latest) +
                                        ", found \"" + p.not_before->text + "\"",
                                    prefix, "not_before"));
    }

    std::string text = outgoing_text(p.text, p.category, p.transliterate, ctx.settings);

    pdu::SubmitOptions options;
    options.encoding = pdu_encoding(p.encoding);
    options.status_report = p.report;
    if (p.validity_minutes) options.validity_minutes = static_cast<int>(*p.validity_minutes);
    options.max_parts = std::max(1, ctx.max_parts);
    auto encoded = pdu::encode_submit(*number, text, options);
    if (!encoded) {
        const auto& e = encoded.error();
        switch (e.code) {
            case pdu::EncodeErrorCode::text_too_long:
                return unexpected(error(api::ErrorCode::text_too_long,
                                        e.message + " (at most " + std::to_string(ctx.max_parts) +
                                            " segments; see " + std::string(ctx.max_parts_key) +
                                            ")",
                                        prefix, "text"));
            case pdu::EncodeErrorCode::invalid_number:
                return unexpected(error(api::ErrorCode::invalid_number, e.message, prefix, "to"));
            case pdu::EncodeErrorCode::invalid_option:
                return unexpected(
                    error(api::ErrorCode::bad_request, e.message, prefix, "validity_minutes"));
            case pdu::EncodeErrorCode::not_encodable:
                return unexpected(error(api::ErrorCode::bad_request,
                                        e.message + ", or set transliterate",
                                        prefix, "text"));
            case pdu::EncodeErrorCode::invalid_text:
                return unexpected(error(api::ErrorCode::bad_request, e.message, prefix, "text"));
        }
    }

    store::NewMessage m;
    m.recipient = *number;
    m.text = std::move(text);
    m.encoding = pdu::to_string(encoded->alphabet);
    m.category = std::string(api::to_string(p.category));
    m.priority = static_cast<int>(p.priority);
    m.accepted_at = ctx.now;
    // Due from the moment it was accepted unless scheduled: the time the reply
    // and the message.queued event carry is the one stored.
    m.not_before = p.not_before ? store::Time(p.not_before->since_epoch()) : ctx.now;
    if (p.validity_minutes) {
        m.validity_minutes = static_cast<int>(*p.validity_minutes);
        const store::Time start = std::max(*m.not_before, ctx.now);
        m.expires_at = start + std::chrono::minutes(*p.validity_minutes);
    }
    m.report = p.report;
    m.requested_modem = p.modem;
    m.idempotency_key = p.idempotency_key;
    m.caller_uid = caller_uid;
    const int segments = static_cast<int>(encoded->parts.size());
    m.cost = policy::message_cost(segments, ctx.settings.cost_per_segment);
    m.currency = ctx.settings.currency;
    m.parts.reserve(encoded->parts.size());
    for (auto& part : encoded->parts) {
        store::NewPart np;
        np.pdu = std::move(part.hex);
        np.tpdu_length = part.tpdu_length;
        if (segments > 1) np.concat_ref = encoded->reference;
        m.parts.push_back(std::move(np));
    }
    return m;
}

}  // namespace smsgw::core
