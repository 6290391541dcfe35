// Unicode case mappings for lower(), upper() and initcap(), as Java applies them
// (Spark 3.5 calls String.toLowerCase / toUpperCase and Character.toTitleCase):
// full mappings, so 'ß' upper-cases to "SS" and 'İ' lower-cases to "i̇", from tables
// generated out of the Unicode database (scripts/gen_unicode_case_tables.py).
//
// Not modelled: locale-specific rules (Spark's JVM runs with a non-Turkish default
// locale in practice, so none apply), and Java's exact word-boundary test for the
// Greek final sigma, which LowerCase approximates with the neighbouring characters.
//
// Thread-safety: pure functions over constant tables.

#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace weir::unicode {

// The full uppercase / lowercase mapping of `cp`: writes 1 to 3 code points to `out`
// and returns how many. Unmapped code points map to themselves.
int ToUpperFull(uint32_t cp, uint32_t out[3]);
int ToLowerFull(uint32_t cp, uint32_t out[3]);
// Java's Character.toTitleCase(char): the simple titlecase mapping, BMP only.
uint32_t ToTitleSimple(uint32_t cp);
// True for characters that have a case (change under some mapping); approximates
// Unicode's Cased property for the final-sigma rule.
bool IsCased(uint32_t cp);

// Appends the upper- / lower-cased UTF-8 text of `s` (any bytes; malformed UTF-8
// becomes U+FFFD as Java's decoder makes it) to `out`.
void AppendUpperCase(std::string_view s, std::string* out);
void AppendLowerCase(std::string_view s, std::string* out);

}  // namespace weir::unicode
