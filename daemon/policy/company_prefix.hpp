// "Insert the company name at the start of marketing messages" (issue 4,
// `sms.prefix_company_name`): "Sale today" → "ACME: Sale today". The prefix is
// applied before segments and cost are counted, so a preview and the charge
// include it.
#pragma once

#include <string>
#include <string_view>

#include "daemon/api/vocabulary.hpp"
#include "daemon/policy/settings_schema.hpp"

namespace smsgw::policy {

// The separator: a colon and a space, the way a signed SMS reads ("ACME: …"):
// two GSM-7 characters, so it never forces UCS-2 and costs 2 of 160.
inline constexpr std::string_view company_separator = ": ";

// `company` + ": " + `text` (leading whitespace of text dropped). Unchanged when
// the company name is empty, the text is empty, or the text already starts with
// the company name as a whole word, compared as opt-out keywords are (case,
// accents and punctuation ignored): "ACME: Sale", "Acme - sale", "acme sale"
// stay as they are; "ACMEcorp sale" gets the prefix. A company name ending in
// ':' gets only the space.
std::string with_company_prefix(std::string_view text, std::string_view company);

// with_company_prefix() when the settings ask for it and the message is
// marketing; transactional messages (codes, notifications) are never changed.
std::string apply_company_prefix(std::string_view text, api::Category category,
                                 const Settings& settings);

}  // namespace smsgw::policy
