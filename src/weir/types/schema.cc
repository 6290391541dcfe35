#include "weir/types/schema.h"

namespace weir {

std::vector<int> AllFieldIndices(const Schema& schema) {
  std::vector<int> all(static_cast<size_t>(schema.num_fields()));
  for (size_t i = 0; i < all.size(); ++i) all[i] = static_cast<int>(i);
  return all;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

Result<int> Schema::FieldIndex(std::string_view name) const {
  std::optional<int> found;
  for (int i = 0; i < num_fields(); ++i) {
    if (!EqualsIgnoreCase(fields_[static_cast<size_t>(i)].name, name)) continue;
    if (found) {
      return Status::InvalidArgument("column name '" + std::string(name) + "' is ambiguous");
    }
    found = i;
  }
  if (!found) return Status::NotFound("column '" + std::string(name) + "' not found");
  return *found;
}

std::optional<int> Schema::FindField(std::string_view name) const {
  for (int i = 0; i < num_fields(); ++i) {
    if (EqualsIgnoreCase(fields_[static_cast<size_t>(i)].name, name)) return i;
  }
  return std::nullopt;
}

std::string Schema::ToString() const { return AsStruct().ToString(); }

namespace {

// Spark's DataType.typeName, which printSchema uses (not simpleString).
std::string TypeName(const DataType& t) {
  switch (t.id()) {
    case TypeId::kNull:
      return "void";
    case TypeId::kBoolean:
      return "boolean";
    case TypeId::kInt32:
      return "integer";
    case TypeId::kInt64:
      return "long";
    case TypeId::kDouble:
      return "double";
    case TypeId::kString:
      return "string";
    case TypeId::kBinary:
      return "binary";
    case TypeId::kDate:
      return "date";
    case TypeId::kTimestamp:
      return "timestamp";
    case TypeId::kInterval:
      return "interval";
    case TypeId::kDecimal:
      return t.ToString();
    case TypeId::kArray:
      return "array";
    case TypeId::kMap:
      return "map";
    case TypeId::kStruct:
      return "struct";
  }
  return "unknown";
}

void AppendTree(const DataType& t, const std::string& prefix, std::string* out);

// An empty `nullability` leaves the parenthesis out, as Spark does for a map key.
void AppendField(const std::string& name, const DataType& t, const std::string& nullability,
                 const std::string& prefix, std::string* out) {
  *out += prefix + "-- " + name + ": " + TypeName(t);
  if (!nullability.empty()) *out += " (" + nullability + ")";
  *out += "\n";
  AppendTree(t, prefix + "    |", out);
}

std::string Flag(const char* name, bool v) {
  return std::string(name) + " = " + (v ? "true" : "false");
}

void AppendTree(const DataType& t, const std::string& prefix, std::string* out) {
  switch (t.id()) {
    case TypeId::kArray:
      AppendField("element", t.element_type(), Flag("containsNull", t.contains_null()), prefix,
                  out);
      break;
    case TypeId::kMap:
      // Spark's MapType.buildFormattedString prints "-- key: string" (keys are never NULL).
      AppendField("key", t.key_type(), "", prefix, out);
      AppendField("value", t.value_type(), Flag("valueContainsNull", t.value_contains_null()),
                  prefix, out);
      break;
    case TypeId::kStruct:
      for (const Field& f : t.fields()) {
        AppendField(f.name, f.type, Flag("nullable", f.nullable), prefix, out);
      }
      break;
    default:
      break;
  }
}

}  // namespace

std::string Schema::TreeString() const {
  std::string out = "root\n";
  for (const Field& f : fields_)
    AppendField(f.name, f.type, Flag("nullable", f.nullable), " |", &out);
  return out;
}

}  // namespace weir
