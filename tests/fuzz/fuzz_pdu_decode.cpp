// libFuzzer target for the PDU decoder: arbitrary octets must decode or be
// refused with an error, never crash or read out of bounds. decode_pdu_partial
// must agree with decode_pdu, keeping a field only after the ones before it.
// When a text decodes, it must survive encode → decode unchanged but for its
// decomposed accents, which go composed (the codec's round-trip property; the
// composition itself is fuzz_pdu_encode's), and its preview must agree with the
// encoder on the part count; an SMS-DELIVER joined with itself (join_texts, which carries an
// escape ending one part over to the next) must not crash either.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>

#include "pdu/compose.hpp"
#include "pdu/partial_pdu.hpp"
#include "pdu/pdu_codec.hpp"
#include "pdu/preview.hpp"
#include "pdu/reassembly.hpp"

using namespace smsgw::pdu;

namespace {

const UserData* text_of(const Pdu& p, Alphabet& alphabet) {
    if (const auto* d = std::get_if<SmsDeliver>(&p.tpdu)) {
        alphabet = d->coding.alphabet;
        return &d->user_data;
    }
    if (const auto* s = std::get_if<SmsSubmit>(&p.tpdu)) {
        alphabet = s->coding.alphabet;
        return &s->user_data;
    }
    return nullptr;
}

// decode_pdu_partial's answer must be decode_pdu's, with the fields it keeps
// in PDU order.
void check_partial(std::span<const std::uint8_t> octets, const smsgw::Expected<Pdu, DecodeError>& plain) {
    const auto partial = decode_pdu_partial(octets);
    if (partial.has_value() != plain.has_value()) std::abort();
    if (plain) return;
    const PartialPdu& p = partial.error();
    if (p.error.to_string() != plain.error().to_string()) std::abort();
    if ((p.service_centre_time && !p.coding) || (p.coding && !p.protocol_id) ||
        (p.protocol_id && !p.originator) || (p.originator && !p.deliver))
        std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::span<const std::uint8_t> octets(data, size);
    const auto decoded = decode_pdu(octets);
    check_partial(octets, decoded);
    if (!decoded) {
        if (decoded.error().to_string().empty()) std::abort();  // every refusal says why
        return 0;
    }
    if (const auto* d = std::get_if<SmsDeliver>(&decoded->tpdu)) {
        const SmsDeliver twice[] = {*d, *d};
        (void)join_texts(twice);
    }
    // The hex path must agree with the octet path.
    const auto again = decode_pdu(octets_to_hex(std::span<const std::uint8_t>(data, size)));
    if (!again) std::abort();

    Alphabet alphabet{};
    const UserData* ud = text_of(*decoded, alphabet);
    if (!ud || alphabet == Alphabet::eight_bit || ud->text.empty()) return 0;
    const auto encoded = encode_submit("+4917012345678", ud->text);
    if (!encoded) std::abort();  // any decoded text can be sent again
    std::string joined;
    for (const auto& part : encoded->parts) {
        const auto back = decode_pdu(part.hex);
        if (!back) std::abort();
        joined += std::get<SmsSubmit>(back->tpdu).user_data.text;
    }
    std::string composed = ud->text;
    compose_canonical_utf8(composed);
    if (joined != composed) std::abort();
    const auto preview = preview_text(ud->text);
    if (!preview || preview->count.segments != static_cast<int>(encoded->parts.size())) std::abort();
    return 0;
}
