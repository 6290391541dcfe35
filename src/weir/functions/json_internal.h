// JSON helpers shared by the JSON functions (internal to weir_functions) and the
// json file format of weir_formats (JsonDocParser aside, which it does not use).
//
// Text is parsed with simdjson's DOM parser. A parser is reused across the rows of
// one evaluation (it keeps its buffers) and never shared between threads.
//
// Thread-safety: free functions; a JsonDocParser is used by one thread at a time.

#pragma once

#include <string>
#include <string_view>

#include <simdjson.h>

namespace weir {

class FunctionRegistry;

namespace json_internal {

enum class ParseOutcome { kOk, kEmpty, kMalformed };

class JsonDocParser {
 public:
  // Parses `text`; on kOk *root is valid until the next Parse. kEmpty: only
  // whitespace (Spark: no token at all).
  ParseOutcome Parse(std::string_view text, simdjson::dom::element* root);

 private:
  simdjson::dom::parser parser_;
};

// Appends `e` as compact JSON text, as Jackson's copyCurrentStructure writes it:
// integers as written, floating-point numbers as Java's Double.toString, strings
// re-escaped (control characters as \u00XX, everything else as is).
// The array or object `e` holds, by value (iterating a temporary simdjson_result
// would dangle). REQUIRES: e has that type.
inline simdjson::dom::array AsArray(const simdjson::dom::element& e) {
  simdjson::dom::array a = e.get_array().value_unsafe();
  return a;
}
inline simdjson::dom::object AsObject(const simdjson::dom::element& e) {
  simdjson::dom::object o = e.get_object().value_unsafe();
  return o;
}

inline std::string_view StringOf(const simdjson::dom::element& e) {
  std::string_view s = e.get_string().value_unsafe();
  return s;
}

void AppendJsonElement(const simdjson::dom::element& e, std::string* out);

// A string value's text without quotes; any other value as AppendJsonElement writes
// it (how get_json_object and json_tuple render a match).
void AppendRawOrJson(const simdjson::dom::element& e, std::string* out);

// get_json_object and json_tuple (json_path.cc).
void RegisterJsonPathFunctions(FunctionRegistry* registry);

}  // namespace json_internal
}  // namespace weir
