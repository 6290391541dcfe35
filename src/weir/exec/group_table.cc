#include "weir/exec/group_table.h"

#include <algorithm>
#include <cstring>
#include <limits>

#include <absl/strings/string_view.h>

#include "weir/functions/spark_hash.h"
#include "weir/functions/value_codec_internal.h"

namespace weir::exec {

namespace {

bool IsIntLike(TypeId id) {
  return id == TypeId::kBoolean || id == TypeId::kInt32 || id == TypeId::kDate ||
         id == TypeId::kInt64 || id == TypeId::kTimestamp;
}

// The key as an int64. REQUIRES: IsIntLike and not NULL.
inline int64_t IntKey(const Column& c, TypeId id, int64_t i) {
  switch (id) {
    case TypeId::kBoolean:
      return c.Get<uint8_t>(i);
    case TypeId::kInt32:
    case TypeId::kDate:
      return c.Get<int32_t>(i);
    default:
      return c.Get<int64_t>(i);
  }
}

// IntKey of a non-NULL key's bytes in the byte layout (its fixed width, after the
// NULL flag), which it takes off the front of *bytes. REQUIRES: IsIntLike.
inline int64_t TakeKeyInt(TypeId id, std::string_view* bytes) {
  int64_t v;
  switch (id) {
    case TypeId::kBoolean:
      v = static_cast<uint8_t>((*bytes)[0]);
      break;
    case TypeId::kInt32:
    case TypeId::kDate: {
      int32_t v32;
      std::memcpy(&v32, bytes->data(), 4);
      v = v32;
      break;
    }
    default:
      std::memcpy(&v, bytes->data(), 8);
      break;
  }
  bytes->remove_prefix(static_cast<size_t>(codec::FixedWidth(id)));
  return v;
}

inline uint64_t HashBytes(std::string_view b) {
  return static_cast<uint64_t>(spark_hash::XxHash64Bytes(b.data(), b.size(), 0x5eed));
}

constexpr uint64_t kNullHash = 0x9e3779b97f4a7c15ULL;

inline double NormalizeDouble(double d) {
  if (d == 0.0) return 0.0;
  if (d != d) return std::numeric_limits<double>::quiet_NaN();
  return d;
}

// The widths of a STRUCT's fields when every field is fixed-width (a time
// window's start and end), else empty. Such a struct's encoding (a flag byte per
// field, then the field's bytes) is written here without codec::EncodeValue.
std::vector<int> FixedFieldWidths(const Column& c) {
  std::vector<int> widths;
  if (c.type().id() != TypeId::kStruct) return widths;
  for (int f = 0; f < c.num_children(); ++f) {
    const int w = codec::FixedWidth(c.child(f)->type().id());
    if (w == 0) return {};
    widths.push_back(w);
  }
  return widths;
}

// The size of every row's encoding of `c` when it is the same for every row, else
// 0: a fixed-width column, or a STRUCT of fixed-width fields, with no NULLs.
size_t ConstantKeySize(const Column& c, const std::vector<int>& fields) {
  if (c.may_have_nulls()) return 0;
  if (const int w = codec::FixedWidth(c.type().id()); w > 0) return 1 + static_cast<size_t>(w);
  if (fields.empty()) return 0;
  size_t size = 1 + 4;
  for (size_t f = 0; f < fields.size(); ++f) {
    if (c.child(static_cast<int>(f))->may_have_nulls()) return 0;
    size += 1 + static_cast<size_t>(fields[f]);
  }
  return size;
}

// Writes flag 1 and the W bytes of row r of `src` (a fixed-width values buffer) at
// each row's cursor: the common key column, in a loop the compiler unrolls.
template <size_t W>
void WriteFixed(const Datum& d, const RowSet& rows, const uint8_t* src, char* out, size_t* cursor) {
  size_t k = 0;
  rows.ForEach([&](int64_t i) {
    size_t& at = cursor[k++];
    out[at] = 1;
    std::memcpy(out + at + 1, src + d.Index(i) * static_cast<int64_t>(W), W);
    at += 1 + W;
  });
}

// KeyEncoder's encoding of row i of `keys` (integer-like and STRING keys only: the
// coded layout's), into *out.
void EncodeKeyRow(const std::vector<Datum>& keys, int64_t i, std::string* out) {
  out->clear();
  for (const Datum& d : keys) {
    if (d.IsNull(i)) {
      out->push_back(0);
      continue;
    }
    out->push_back(1);
    const Column& c = d.col();
    const int64_t r = d.Index(i);
    if (const int w = codec::FixedWidth(c.type().id()); w > 0) {
      out->append(reinterpret_cast<const char*>(c.values_buffer()->data()) + r * w,
                  static_cast<size_t>(w));
    } else {
      const StringRef s = c.Get<StringRef>(r);
      const uint32_t len = s.size();
      out->append(reinterpret_cast<const char*>(&len), 4);
      out->append(s.data(), len);
    }
  }
}

}  // namespace

void KeyEncoder::Encode(const std::vector<Datum>& keys, const RowSet& rows) {
  const size_t n = static_cast<size_t>(rows.size());
  offsets_.assign(n + 1, 0);
  // Pass 1: the size of every row's key.
  for (const Datum& d : keys) {
    const Column& c = d.col();
    const TypeId id = c.type().id();
    const int w = codec::FixedWidth(id);
    const std::vector<int> fields = FixedFieldWidths(c);
    if (const size_t size = ConstantKeySize(c, fields); size > 0) {
      for (size_t k = 1; k <= n; ++k) offsets_[k] += size;
      continue;
    }
    size_t k = 0;
    rows.ForEach([&](int64_t i) {
      size_t s = 1;
      if (!d.IsNull(i)) {
        if (w > 0) {
          s += static_cast<size_t>(w);
        } else if (!fields.empty()) {
          s += 4;
          const int64_t r = d.Index(i);
          for (size_t f = 0; f < fields.size(); ++f) {
            s += 1 + (c.child(static_cast<int>(f))->IsNull(r) ? 0 : static_cast<size_t>(fields[f]));
          }
        } else if (id == TypeId::kString || id == TypeId::kBinary) {
          s += 4 + d.Get<StringRef>(i).size();
        } else if (id != TypeId::kNull) {
          scratch_.clear();
          codec::EncodeValue(c, d.Index(i), &scratch_);
          s += 4 + scratch_.size();
        }
      }
      offsets_[++k] += s;
    });
  }
  for (size_t k = 0; k < n; ++k) offsets_[k + 1] += offsets_[k];
  bytes_.resize(offsets_[n]);
  // Pass 2: write the keys column by column.
  cursor_.assign(offsets_.begin(), offsets_.end() - 1);
  char* out = bytes_.data();
  for (const Datum& d : keys) {
    const Column& c = d.col();
    const TypeId id = c.type().id();
    const int w = codec::FixedWidth(id);
    const std::vector<int> fields = FixedFieldWidths(c);
    if (!c.may_have_nulls() && id != TypeId::kDouble && (w == 8 || w == 4)) {
      const uint8_t* src = c.values_buffer()->data();
      if (w == 8) {
        WriteFixed<8>(d, rows, src, out, cursor_.data());
      } else {
        WriteFixed<4>(d, rows, src, out, cursor_.data());
      }
      continue;
    }
    if (fields.size() == 2 && fields[0] == 8 && fields[1] == 8 && ConstantKeySize(c, fields) > 0) {
      // A time window (two TIMESTAMPs, never NULL): length 18, flag, start, flag, end.
      const uint8_t* start = c.child(0)->values_buffer()->data();
      const uint8_t* end = c.child(1)->values_buffer()->data();
      size_t k = 0;
      rows.ForEach([&](int64_t i) {
        size_t& at = cursor_[k++];
        const int64_t r = d.Index(i);
        const uint32_t len = 18;
        out[at] = 1;
        std::memcpy(out + at + 1, &len, 4);
        out[at + 5] = 1;
        std::memcpy(out + at + 6, start + r * 8, 8);
        out[at + 14] = 1;
        std::memcpy(out + at + 15, end + r * 8, 8);
        at += 23;
      });
      continue;
    }
    size_t k = 0;
    rows.ForEach([&](int64_t i) {
      size_t& at = cursor_[k++];
      if (d.IsNull(i)) {
        out[at++] = 0;
        return;
      }
      out[at++] = 1;
      const int64_t r = d.Index(i);
      if (id == TypeId::kDouble) {
        double v = NormalizeDouble(c.Get<double>(r));
        std::memcpy(out + at, &v, 8);
        at += 8;
      } else if (w > 0) {
        std::memcpy(out + at, c.values_buffer()->data() + r * w, static_cast<size_t>(w));
        at += static_cast<size_t>(w);
      } else if (!fields.empty()) {
        // codec::EncodeValue's STRUCT bytes, after their length.
        const size_t start = at + 4;
        size_t pos = start;
        for (size_t f = 0; f < fields.size(); ++f) {
          const Column& field = *c.child(static_cast<int>(f));
          if (field.IsNull(r)) {
            out[pos++] = 0;
            continue;
          }
          out[pos++] = 1;
          const auto fw = static_cast<size_t>(fields[f]);
          std::memcpy(out + pos, field.values_buffer()->data() + r * fields[f], fw);
          pos += fw;
        }
        const auto len = static_cast<uint32_t>(pos - start);
        std::memcpy(out + at, &len, 4);
        at = pos;
      } else if (id == TypeId::kString || id == TypeId::kBinary) {
        StringRef s = c.Get<StringRef>(r);
        uint32_t len = s.size();
        std::memcpy(out + at, &len, 4);
        if (len > 0) std::memcpy(out + at + 4, s.data(), len);
        at += 4 + len;
      } else if (id != TypeId::kNull) {
        scratch_.clear();
        codec::EncodeValue(c, r, &scratch_);
        auto len = static_cast<uint32_t>(scratch_.size());
        std::memcpy(out + at, &len, 4);
        std::memcpy(out + at + 4, scratch_.data(), len);
        at += 4 + len;
      }
    });
  }
}

Status DecodeKeys(const std::vector<std::string_view>& keys, const std::vector<DataType>& types,
                  std::vector<ColumnPtr>* out) {
  std::vector<std::unique_ptr<ColumnBuilder>> builders;
  for (const DataType& t : types) {
    builders.push_back(MakeBuilder(t));
    builders.back()->Reserve(static_cast<int64_t>(keys.size()));
  }
  for (std::string_view key : keys) {
    std::string_view in = key;
    for (size_t c = 0; c < types.size(); ++c) {
      const TypeId id = types[c].id();
      if (in.empty()) return codec::BadEncoding();
      const char flag = in[0];
      in.remove_prefix(1);
      if (flag == 0) {
        builders[c]->AppendNull();
        continue;
      }
      if (codec::FixedWidth(id) > 0) {
        RETURN_NOT_OK(codec::DecodeValue(&in, types[c], builders[c].get()));
        continue;
      }
      uint32_t len;
      if (in.size() < 4) return codec::BadEncoding();
      std::memcpy(&len, in.data(), 4);
      in.remove_prefix(4);
      if (in.size() < len) return codec::BadEncoding();
      std::string_view v = in.substr(0, len);
      in.remove_prefix(len);
      if (id == TypeId::kString || id == TypeId::kBinary) {
        static_cast<StringBuilder*>(builders[c].get())->Append(v);
      } else {
        RETURN_NOT_OK(codec::DecodeValue(&v, types[c], builders[c].get()));
      }
    }
  }
  out->clear();
  for (auto& b : builders) out->push_back(b->Finish());
  return Status::OK();
}

void HashKeys(const std::vector<Datum>& keys, const RowSet& rows, uint64_t* out,
              KeyEncoder* scratch) {
  if (keys.size() == 1 && IsIntLike(keys[0].type().id())) {
    const Datum& d = keys[0];
    const TypeId id = d.type().id();
    rows.ForEach([&](int64_t i) {
      out[i] =
          d.IsNull(i) ? kNullHash : Mix64(static_cast<uint64_t>(IntKey(d.col(), id, d.Index(i))));
    });
    return;
  }
  scratch->Encode(keys, rows);
  int64_t k = 0;
  rows.ForEach([&](int64_t i) { out[i] = HashBytes(scratch->key(k++)); });
}

GroupTable::GroupTable(std::vector<DataType> key_types, bool code_strings)
    : key_types_(std::move(key_types)) {
  int_mode_ = key_types_.size() == 1 && IsIntLike(key_types_[0].id());
  if (int_mode_) {
    int_slots_.assign(1024, IntSlot{0, kNoGroup, 0});
    int_mask_ = 1023;
    return;
  }
  if (!code_strings) return;
  if (key_types_.size() == 2 && IsIntLike(key_types_[0].id()) && IsIntLike(key_types_[1].id())) {
    pair_ = true;
    pair_slots_.assign(1024, PairSlot{0, 0, 0, kNoGroup});
    pair_mask_ = 1023;
    return;
  }
  int int_key = -1;
  std::vector<int> strings;
  for (size_t k = 0; k < key_types_.size(); ++k) {
    const TypeId id = key_types_[k].id();
    if (id == TypeId::kString) {
      strings.push_back(static_cast<int>(k));
    } else if (IsIntLike(id) && int_key < 0) {
      int_key = static_cast<int>(k);
    } else {
      return;
    }
  }
  if (strings.empty() || strings.size() > 2) return;
  coded_ = true;
  coded_int_ = int_key;
  coded_strings_ = std::move(strings);
  dicts_.resize(coded_strings_.size());
  coded_slots_.assign(1024, CodedSlot{0, 0, kNoGroup});
  coded_mask_ = 1023;
}

void GroupTable::Reserve(uint32_t groups) {
  if (num_groups() != 0 || groups == 0) return;
  // The slot arrays keep at most half their slots in use (see the Grow calls).
  size_t slots = 1024;
  while (slots < 2 * uint64_t{groups} + 2) slots *= 2;
  if (int_mode_) {
    if (slots > int_slots_.size()) int_slots_.assign(slots, IntSlot{0, kNoGroup, 0});
    int_mask_ = int_slots_.size() - 1;
    int_keys_.reserve(groups);
  } else if (pair_) {
    if (slots > pair_slots_.size()) pair_slots_.assign(slots, PairSlot{0, 0, 0, kNoGroup});
    pair_mask_ = pair_slots_.size() - 1;
  } else if (coded_) {
    if (slots > coded_slots_.size()) coded_slots_.assign(slots, CodedSlot{0, 0, kNoGroup});
    coded_mask_ = coded_slots_.size() - 1;
  } else {
    byte_map_.reserve(groups);
  }
  if (!int_mode_) byte_keys_.reserve(groups);
  hashes_.reserve(groups);
}

uint32_t GroupTable::CodeOf(size_t k, std::string_view s, bool insert) {
  auto& dict = dicts_[k];
  auto it = dict.find(absl::string_view(s.data(), s.size()));
  if (it != dict.end()) return it->second;
  if (!insert || dict.size() >= kMaxCodes) return kNoGroup;
  const auto code = static_cast<uint32_t>(dict.size() + 1);
  dict.emplace(std::string(s), code);
  return code;
}

bool GroupTable::CodeRows(const std::vector<Datum>& keys, const RowSet& rows, bool insert) {
  const auto phys = static_cast<size_t>(rows.physical_rows());
  codes_scratch_.resize(phys);
  int_scratch_.resize(phys);
  uint32_t* codes = codes_scratch_.data();
  int64_t* ints = int_scratch_.data();
  if (coded_int_ >= 0) {
    const Datum& d = keys[static_cast<size_t>(coded_int_)];
    const Column& c = d.col();
    const TypeId id = key_types_[static_cast<size_t>(coded_int_)].id();
    if ((id == TypeId::kInt64 || id == TypeId::kTimestamp) && d.no_nulls()) {
      const int64_t* v = c.values<int64_t>();
      rows.ForEach([&](int64_t i) {
        ints[i] = v[d.Index(i)];
        codes[i] = 0;
      });
    } else {
      rows.ForEach([&](int64_t i) {
        const int64_t r = d.Index(i);
        const bool null = c.IsNull(r);
        ints[i] = null ? 0 : IntKey(c, id, r);
        codes[i] = null ? 1u << 31 : 0;
      });
    }
  } else {
    rows.ForEach([&](int64_t i) {
      ints[i] = 0;
      codes[i] = 0;
    });
  }
  for (size_t k = 0; k < coded_strings_.size(); ++k) {
    const Datum& d = keys[static_cast<size_t>(coded_strings_[k])];
    const int shift = 15 * static_cast<int>(k);
    // The last string seen and its code (0: none yet): dates, channels and the
    // like come in runs.
    StringRef last;
    uint32_t last_code = 0;
    bool full = false;
    const bool nulls = !d.no_nulls();
    const StringRef* values = d.col().values<StringRef>();
    rows.ForEach([&](int64_t i) {
      if (full || codes[i] == kNoGroup || (nulls && d.IsNull(i))) return;  // NULL: code 0
      const StringRef& s = values[d.Index(i)];
      if (last_code == 0 || !(s == last)) {
        const uint32_t code = CodeOf(k, s.view(), insert);
        if (code == kNoGroup) {
          if (insert) {
            full = true;
          } else {
            codes[i] = kNoGroup;  // a string the table does not have: no group
          }
          return;
        }
        last = s;
        last_code = code;
      }
      codes[i] |= last_code << shift;
    });
    if (full) return false;
  }
  return true;
}

uint32_t GroupTable::CodedFind(int64_t key, uint32_t codes, uint64_t hash, uint64_t* slot) const {
  uint64_t i = hash & coded_mask_;
  while (true) {
    const CodedSlot& s = coded_slots_[i];
    if (s.group == kNoGroup) break;
    if (s.key == key && s.codes == codes) return s.group;
    i = (i + 1) & coded_mask_;
  }
  *slot = i;
  return kNoGroup;
}

uint32_t GroupTable::CodedInsert(uint64_t slot, int64_t key, uint32_t codes, std::string_view bytes,
                                 uint64_t byte_hash) {
  const uint32_t g = AddByteGroup(bytes, byte_hash);
  coded_slots_[slot] = CodedSlot{key, codes, g};
  if (uint64_t{num_groups()} * 2 > coded_mask_) CodedGrow();
  return g;
}

void GroupTable::CodedGrow() {
  std::vector<CodedSlot> old = std::move(coded_slots_);
  coded_slots_.assign(old.size() * 2, CodedSlot{0, 0, kNoGroup});
  coded_mask_ = coded_slots_.size() - 1;
  for (const CodedSlot& s : old) {
    if (s.group == kNoGroup) continue;
    uint64_t i = CodedHash(s.key, s.codes) & coded_mask_;
    while (coded_slots_[i].group != kNoGroup) i = (i + 1) & coded_mask_;
    coded_slots_[i] = s;
  }
}

bool GroupTable::CodeEncoded(std::string_view bytes, int64_t* key, uint32_t* codes) {
  *key = 0;
  *codes = 0;
  size_t next_string = 0;
  for (const DataType& t : key_types_) {
    const TypeId id = t.id();
    const bool null = bytes[0] == 0;
    bytes.remove_prefix(1);
    if (id == TypeId::kString) {
      const size_t k = next_string++;
      if (null) continue;
      uint32_t len;
      std::memcpy(&len, bytes.data(), 4);
      const uint32_t code = CodeOf(k, bytes.substr(4, len), true);
      if (code == kNoGroup) return false;
      *codes |= code << (15 * static_cast<int>(k));
      bytes.remove_prefix(4 + size_t{len});
      continue;
    }
    if (null) {
      *codes |= 1u << 31;
      continue;
    }
    *key = TakeKeyInt(id, &bytes);
  }
  return true;
}

void GroupTable::ToByteLayout() {
  coded_ = false;
  byte_map_.reserve(byte_keys_.size());
  for (uint32_t g = 0; g < num_groups(); ++g) byte_map_.emplace(byte_keys_[g], g);
  std::vector<CodedSlot>().swap(coded_slots_);
  dicts_.clear();
}

void GroupTable::PairRows(const std::vector<Datum>& keys, const RowSet& rows) {
  const auto phys = static_cast<size_t>(rows.physical_rows());
  int_scratch_.resize(phys);
  int2_scratch_.resize(phys);
  codes_scratch_.resize(phys);
  uint32_t* nulls = codes_scratch_.data();
  for (size_t k = 0; k < 2; ++k) {
    const Datum& d = keys[k];
    const Column& c = d.col();
    const TypeId id = key_types_[k].id();
    int64_t* out = k == 0 ? int_scratch_.data() : int2_scratch_.data();
    const uint32_t bit = k == 0 ? 1u : 2u;
    const bool first = k == 0;
    if ((id == TypeId::kInt64 || id == TypeId::kTimestamp) && d.no_nulls()) {
      const int64_t* v = c.values<int64_t>();
      rows.ForEach([&](int64_t i) {
        out[i] = v[d.Index(i)];
        if (first) nulls[i] = 0;
      });
      continue;
    }
    rows.ForEach([&](int64_t i) {
      const int64_t r = d.Index(i);
      const bool null = c.IsNull(r);
      out[i] = null ? 0 : IntKey(c, id, r);
      const uint32_t b = null ? bit : 0;
      nulls[i] = first ? b : nulls[i] | b;
    });
  }
}

uint32_t GroupTable::PairFind(int64_t first, int64_t second, uint32_t nulls, uint64_t hash,
                              uint64_t* slot) const {
  uint64_t i = hash & pair_mask_;
  while (true) {
    const PairSlot& s = pair_slots_[i];
    if (s.group == kNoGroup) break;
    if (s.first == first && s.second == second && s.nulls == nulls) return s.group;
    i = (i + 1) & pair_mask_;
  }
  *slot = i;
  return kNoGroup;
}

uint32_t GroupTable::PairInsert(uint64_t slot, int64_t first, int64_t second, uint32_t nulls) {
  // KeyEncoder's bytes: per key a flag, then (when not NULL) the value's low bytes
  // (little-endian, as the column stores them).
  char buf[2 * 9];
  size_t at = 0;
  const int64_t values[2] = {first, second};
  for (size_t k = 0; k < 2; ++k) {
    if ((nulls >> k) & 1) {
      buf[at++] = 0;
      continue;
    }
    buf[at++] = 1;
    const auto w = static_cast<size_t>(codec::FixedWidth(key_types_[k].id()));
    std::memcpy(buf + at, &values[k], w);
    at += w;
  }
  const std::string_view bytes(buf, at);
  const uint32_t g = AddByteGroup(bytes, HashBytes(bytes));
  pair_slots_[slot] = PairSlot{first, second, nulls, g};
  if (uint64_t{num_groups()} * 2 > pair_mask_) PairGrow();
  return g;
}

void GroupTable::PairDecode(std::string_view bytes, int64_t* first, int64_t* second,
                            uint32_t* nulls) const {
  *nulls = 0;
  int64_t* out[2] = {first, second};
  for (size_t k = 0; k < 2; ++k) {
    *out[k] = 0;
    const bool null = bytes[0] == 0;
    bytes.remove_prefix(1);
    if (null) {
      *nulls |= 1u << k;
      continue;
    }
    *out[k] = TakeKeyInt(key_types_[k].id(), &bytes);
  }
}

void GroupTable::PairGrow() {
  std::vector<PairSlot> old = std::move(pair_slots_);
  pair_slots_.assign(old.size() * 2, PairSlot{0, 0, 0, kNoGroup});
  pair_mask_ = pair_slots_.size() - 1;
  for (const PairSlot& s : old) {
    if (s.group == kNoGroup) continue;
    uint64_t i = PairHash(s.first, s.second, s.nulls) & pair_mask_;
    while (pair_slots_[i].group != kNoGroup) i = (i + 1) & pair_mask_;
    pair_slots_[i] = s;
  }
}

void GroupTable::IntGrow() {
  std::vector<IntSlot> old = std::move(int_slots_);
  int_slots_.assign(old.size() * 2, IntSlot{0, kNoGroup, 0});
  int_mask_ = int_slots_.size() - 1;
  for (const IntSlot& s : old) {
    if (s.group == kNoGroup) continue;
    uint64_t i = hashes_[s.group] & int_mask_;
    while (int_slots_[i].group != kNoGroup) i = (i + 1) & int_mask_;
    int_slots_[i] = s;
  }
}

inline uint32_t GroupTable::IntFindOrInsert(int64_t key, uint64_t hash) {
  uint64_t i = hash & int_mask_;
  while (true) {
    IntSlot& s = int_slots_[i];
    if (s.group == kNoGroup) break;
    if (s.key == key) return s.group;
    i = (i + 1) & int_mask_;
  }
  const uint32_t g = AddIntGroup(key, false);
  int_slots_[i] = IntSlot{key, g, 0};
  if (static_cast<uint64_t>(int_keys_.size()) * 2 > int_mask_) IntGrow();
  return g;
}

inline uint32_t GroupTable::IntFind(int64_t key, uint64_t hash) const {
  uint64_t i = hash & int_mask_;
  while (true) {
    const IntSlot& s = int_slots_[i];
    if (s.group == kNoGroup) return kNoGroup;
    if (s.key == key) return s.group;
    i = (i + 1) & int_mask_;
  }
}

uint32_t GroupTable::AddIntGroup(int64_t key, bool null) {
  auto g = static_cast<uint32_t>(hashes_.size());
  hashes_.push_back(null ? kNullHash : Mix64(static_cast<uint64_t>(key)));
  int_keys_.push_back(key);
  if (null) null_group_ = g;
  return g;
}

const char* GroupTable::CopyToArena(std::string_view bytes) {
  if (bytes.size() > arena_left_) {
    size_t block = std::max<size_t>(size_t{64} * 1024, bytes.size());
    arena_.push_back(std::make_unique<char[]>(block));
    arena_next_ = arena_.back().get();
    arena_left_ = block;
    arena_bytes_ += static_cast<int64_t>(block);
  }
  char* p = arena_next_;
  if (!bytes.empty()) std::memcpy(p, bytes.data(), bytes.size());
  arena_next_ += bytes.size();
  arena_left_ -= bytes.size();
  return p;
}

uint32_t GroupTable::AddByteGroup(std::string_view key, uint64_t hash) {
  auto g = static_cast<uint32_t>(hashes_.size());
  byte_keys_.push_back(KeyRef{CopyToArena(key), static_cast<uint32_t>(key.size()), hash});
  hashes_.push_back(hash);
  return g;
}

uint32_t GroupTable::InsertBytes(std::string_view key, uint64_t hash) {
  KeyRef probe{key.data(), static_cast<uint32_t>(key.size()), hash};
  auto it = byte_map_.find(probe);
  if (it != byte_map_.end()) return it->second;
  const uint32_t g = AddByteGroup(key, hash);
  byte_map_.emplace(byte_keys_[g], g);
  return g;
}

void GroupTable::FindOrInsert(const std::vector<Datum>& keys, const RowSet& rows,
                              uint32_t* group_ids) {
  if (int_mode_) {
    const Datum& d = keys[0];
    const Column& c = d.col();
    const TypeId id = key_types_[0].id();
    // Pass 1: hashes, and a prefetch of each row's slot.
    hash_scratch_.resize(static_cast<size_t>(rows.physical_rows()));
    uint64_t* h = hash_scratch_.data();
    if (id == TypeId::kInt64 || id == TypeId::kTimestamp) {
      const int64_t* v = c.values<int64_t>();
      rows.ForEach([&](int64_t i) {
        h[i] = Mix64(static_cast<uint64_t>(v[d.Index(i)]));
        __builtin_prefetch(&int_slots_[h[i] & int_mask_]);
      });
      // Pass 2: probe. The hot path: one BIGINT key.
      const bool nulls = !d.no_nulls();
      rows.ForEach([&](int64_t i) {
        const int64_t r = d.Index(i);
        if (nulls && c.IsNull(r)) {
          group_ids[i] = null_group_ != kNoGroup ? null_group_ : AddIntGroup(0, true);
          return;
        }
        group_ids[i] = IntFindOrInsert(v[r], h[i]);
      });
      return;
    }
    rows.ForEach([&](int64_t i) {
      const int64_t r = d.Index(i);
      if (c.IsNull(r)) {
        group_ids[i] = null_group_ != kNoGroup ? null_group_ : AddIntGroup(0, true);
        return;
      }
      const int64_t key = IntKey(c, id, r);
      group_ids[i] = IntFindOrInsert(key, Mix64(static_cast<uint64_t>(key)));
    });
    return;
  }
  if (pair_) {
    // As the integer layout: hash and prefetch every row's slot, then probe.
    PairRows(keys, rows);
    hash_scratch_.resize(static_cast<size_t>(rows.physical_rows()));
    uint64_t* h = hash_scratch_.data();
    const int64_t* first = int_scratch_.data();
    const int64_t* second = int2_scratch_.data();
    const uint32_t* nulls = codes_scratch_.data();
    rows.ForEach([&](int64_t i) {
      h[i] = PairHash(first[i], second[i], nulls[i]);
      __builtin_prefetch(&pair_slots_[h[i] & pair_mask_]);
    });
    rows.ForEach([&](int64_t i) {
      uint64_t slot;
      uint32_t g = PairFind(first[i], second[i], nulls[i], h[i], &slot);
      if (g == kNoGroup) g = PairInsert(slot, first[i], second[i], nulls[i]);
      group_ids[i] = g;
    });
    return;
  }
  if (coded_) {
    if (CodeRows(keys, rows, true)) {
      // As the integer layout: hash and prefetch every row's slot, then probe; a new
      // group's key is encoded then (once per group).
      hash_scratch_.resize(static_cast<size_t>(rows.physical_rows()));
      uint64_t* h = hash_scratch_.data();
      const int64_t* ints = int_scratch_.data();
      const uint32_t* codes = codes_scratch_.data();
      rows.ForEach([&](int64_t i) {
        h[i] = CodedHash(ints[i], codes[i]);
        __builtin_prefetch(&coded_slots_[h[i] & coded_mask_]);
      });
      rows.ForEach([&](int64_t i) {
        uint64_t slot;
        uint32_t g = CodedFind(ints[i], codes[i], h[i], &slot);
        if (g == kNoGroup) {
          EncodeKeyRow(keys, i, &row_scratch_);
          g = CodedInsert(slot, ints[i], codes[i], row_scratch_, HashBytes(row_scratch_));
        }
        group_ids[i] = g;
      });
      return;
    }
    ToByteLayout();  // a high-cardinality string: this batch and the next as bytes
  }
  encoder_.Encode(keys, rows);
  // Pass 1: every row's hash, and a prefetch of its map slot; pass 2 probes, so the
  // cache misses of a batch overlap (as the integer layout does).
  const auto n = static_cast<size_t>(rows.size());
  hash_scratch_.resize(n);
  uint64_t* h = hash_scratch_.data();
  for (size_t k = 0; k < n; ++k) {
    std::string_view key = encoder_.key(static_cast<int64_t>(k));
    h[k] = HashBytes(key);
    byte_map_.prefetch(KeyRef{key.data(), static_cast<uint32_t>(key.size()), h[k]});
  }
  size_t k = 0;
  rows.ForEach([&](int64_t i) {
    group_ids[i] = InsertBytes(encoder_.key(static_cast<int64_t>(k)), h[k]);
    ++k;
  });
}

void GroupTable::Find(const std::vector<Datum>& keys, const RowSet& rows, uint32_t* group_ids,
                      KeyEncoder* scratch) const {
  if (int_mode_) {
    const Datum& d = keys[0];
    const Column& c = d.col();
    const TypeId id = key_types_[0].id();
    // Hash and prefetch every row's slot first, so that the misses overlap.
    std::vector<uint64_t> h(static_cast<size_t>(rows.physical_rows()));
    rows.ForEach([&](int64_t i) {
      const int64_t r = d.Index(i);
      h[static_cast<size_t>(i)] = c.IsNull(r) ? 0 : Mix64(static_cast<uint64_t>(IntKey(c, id, r)));
      __builtin_prefetch(&int_slots_[h[static_cast<size_t>(i)] & int_mask_]);
    });
    rows.ForEach([&](int64_t i) {
      const int64_t r = d.Index(i);
      if (c.IsNull(r)) {
        group_ids[i] = null_group_;
        return;
      }
      group_ids[i] = IntFind(IntKey(c, id, r), h[static_cast<size_t>(i)]);
    });
    return;
  }
  if (pair_) {
    rows.ForEach([&](int64_t i) {
      int64_t v[2] = {0, 0};
      uint32_t nulls = 0;
      for (size_t k = 0; k < 2; ++k) {
        const Datum& d = keys[k];
        if (d.IsNull(i)) {
          nulls |= 1u << k;
        } else {
          v[k] = IntKey(d.col(), key_types_[k].id(), d.Index(i));
        }
      }
      uint64_t slot;
      group_ids[i] = PairFind(v[0], v[1], nulls, PairHash(v[0], v[1], nulls), &slot);
    });
    return;
  }
  if (coded_) {
    rows.ForEach([&](int64_t i) {
      int64_t key = 0;
      uint32_t codes = 0;
      if (coded_int_ >= 0) {
        const Datum& d = keys[static_cast<size_t>(coded_int_)];
        if (d.IsNull(i)) {
          codes = 1u << 31;
        } else {
          key = IntKey(d.col(), key_types_[static_cast<size_t>(coded_int_)].id(), d.Index(i));
        }
      }
      for (size_t k = 0; k < coded_strings_.size(); ++k) {
        const Datum& d = keys[static_cast<size_t>(coded_strings_[k])];
        if (d.IsNull(i)) continue;
        const StringRef s = d.Get<StringRef>(i);
        auto it = dicts_[k].find(absl::string_view(s.data(), s.size()));
        if (it == dicts_[k].end()) {
          codes = kNoGroup;
          break;
        }
        codes |= it->second << (15 * static_cast<int>(k));
      }
      uint64_t slot;
      group_ids[i] =
          codes == kNoGroup ? kNoGroup : CodedFind(key, codes, CodedHash(key, codes), &slot);
    });
    return;
  }
  scratch->Encode(keys, rows);
  int64_t k = 0;
  rows.ForEach([&](int64_t i) {
    std::string_view key = scratch->key(k++);
    KeyRef probe{key.data(), static_cast<uint32_t>(key.size()), HashBytes(key)};
    auto it = byte_map_.find(probe);
    group_ids[i] = it == byte_map_.end() ? kNoGroup : it->second;
  });
}

uint32_t GroupTable::InsertFrom(const GroupTable& other, uint32_t g) {
  if (int_mode_) {
    if (other.null_group_ == g) {
      return null_group_ != kNoGroup ? null_group_ : AddIntGroup(0, true);
    }
    const int64_t key = other.int_keys_[g];
    return IntFindOrInsert(key, other.hashes_[g]);
  }
  const KeyRef& k = other.byte_keys_[g];
  const std::string_view bytes(k.data, k.size);
  if (pair_) {
    int64_t first;
    int64_t second;
    uint32_t nulls;
    PairDecode(bytes, &first, &second, &nulls);
    uint64_t slot;
    const uint32_t found = PairFind(first, second, nulls, PairHash(first, second, nulls), &slot);
    return found != kNoGroup ? found : PairInsert(slot, first, second, nulls);
  }
  if (coded_) {
    int64_t key;
    uint32_t codes;
    if (CodeEncoded(bytes, &key, &codes)) {
      uint64_t slot;
      const uint64_t hash = CodedHash(key, codes);
      const uint32_t found = CodedFind(key, codes, hash, &slot);
      return found != kNoGroup ? found : CodedInsert(slot, key, codes, bytes, k.hash);
    }
    ToByteLayout();
  }
  return InsertBytes(bytes, k.hash);
}

Result<std::vector<ColumnPtr>> GroupTable::KeyColumns(const std::vector<uint32_t>& groups) const {
  std::vector<ColumnPtr> out;
  if (int_mode_) {
    std::unique_ptr<ColumnBuilder> b = MakeBuilder(key_types_[0]);
    b->Reserve(static_cast<int64_t>(groups.size()));
    const TypeId id = key_types_[0].id();
    for (uint32_t g : groups) {
      if (g == null_group_) {
        b->AppendNull();
        continue;
      }
      int64_t v = int_keys_[g];
      switch (id) {
        case TypeId::kBoolean:
          static_cast<PrimitiveBuilder<uint8_t>*>(b.get())->Append(static_cast<uint8_t>(v));
          break;
        case TypeId::kInt32:
        case TypeId::kDate:
          static_cast<Int32Builder*>(b.get())->Append(static_cast<int32_t>(v));
          break;
        default:
          static_cast<Int64Builder*>(b.get())->Append(v);
          break;
      }
    }
    out.push_back(b->Finish());
    return out;
  }
  std::vector<std::string_view> keys;
  keys.reserve(groups.size());
  for (uint32_t g : groups) keys.emplace_back(byte_keys_[g].data, byte_keys_[g].size);
  RETURN_NOT_OK(DecodeKeys(keys, key_types_, &out));
  return out;
}

namespace {
int64_t DictionaryBytes(const std::vector<absl::flat_hash_map<std::string, uint32_t>>& dicts) {
  int64_t bytes = 0;
  for (const auto& d : dicts) {
    bytes += static_cast<int64_t>(d.capacity() * (sizeof(std::string) + 8));
    for (const auto& [s, code] : d) bytes += static_cast<int64_t>(s.capacity() + 1);
  }
  return bytes;
}
}  // namespace

int64_t GroupTable::MemoryUsage() const {
  return arena_bytes_ +
         static_cast<int64_t>(hashes_.capacity() * 8 + int_keys_.capacity() * 8 +
                              byte_keys_.capacity() * sizeof(KeyRef) +
                              int_slots_.capacity() * sizeof(IntSlot) + byte_map_.capacity() * 24 +
                              coded_slots_.capacity() * sizeof(CodedSlot) +
                              pair_slots_.capacity() * sizeof(PairSlot)) +
         DictionaryBytes(dicts_);
}

}  // namespace weir::exec
