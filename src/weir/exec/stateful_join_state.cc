#include "weir/exec/stateful_join_state.h"

#include <cstring>

#include "weir/exec/state_codec.h"
#include "weir/functions/value_codec_internal.h"
#include "weir/types/builder.h"

namespace weir::exec {

namespace {

constexpr char kMetaTag = 0x00;
constexpr char kLeftTag = 0x01;
constexpr char kRightTag = 0x02;
constexpr char kIndexBit = 0x10;

char SideTag(bool left) { return left ? kLeftTag : kRightTag; }

// A sequence number as 8 big-endian bytes (insertion order within a key).
void AppendSeq(int64_t seq, std::string* out) {
  char b[8];
  auto v = static_cast<uint64_t>(seq);
  for (int i = 7; i >= 0; --i) {
    b[i] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
  out->append(b, 8);
}

std::string MetaKey(bool left) { return std::string{kMetaTag, SideTag(left)}; }

}  // namespace

void AppendJoinRow(const std::vector<ColumnPtr>& columns, int64_t row, std::string* out) {
  for (const ColumnPtr& c : columns) {
    if (c->IsNull(row)) {
      out->push_back(0);
    } else {
      out->push_back(1);
      codec::EncodeValue(*c, row, out);
    }
  }
}

Status DecodeJoinRows(const Schema& schema, const std::vector<std::string_view>& values,
                      std::vector<ColumnPtr>* out) {
  std::vector<std::unique_ptr<ColumnBuilder>> builders;
  for (const Field& f : schema.fields()) {
    builders.push_back(MakeBuilder(f.type));
    builders.back()->Reserve(static_cast<int64_t>(values.size()));
  }
  for (std::string_view v : values) {
    if (v.empty()) return Status::Corruption("stream-stream join state: empty row");
    v.remove_prefix(1);  // the matched byte
    for (size_t c = 0; c < builders.size(); ++c) {
      RETURN_NOT_OK(codec::DecodeNullable(&v, schema.fields()[c].type, builders[c].get()));
    }
    if (!v.empty()) return Status::Corruption("stream-stream join state: trailing bytes");
  }
  out->clear();
  for (auto& b : builders) out->push_back(b->Finish());
  return Status::OK();
}

Status JoinState::Load() {
  for (bool left : {true, false}) {
    std::string v;
    ASSIGN_OR_RAISE(bool found, store_->Get(MetaKey(left), &v));
    if (!found) continue;
    if (v.size() != 16) return Status::Corruption("stream-stream join state: bad side record");
    Meta& m = meta_[left ? 0 : 1];
    std::memcpy(&m.next_seq, v.data(), 8);
    std::memcpy(&m.rows, v.data() + 8, 8);
  }
  return Status::OK();
}

Status JoinState::Save() {
  for (bool left : {true, false}) {
    const Meta& m = meta_[left ? 0 : 1];
    char v[16];
    std::memcpy(v, &m.next_seq, 8);
    std::memcpy(v + 8, &m.rows, 8);
    RETURN_NOT_OK(store_->Put(MetaKey(left), std::string_view(v, 16)));
  }
  return Status::OK();
}

Status JoinState::Find(bool left, std::string_view key, Rows* rows) {
  std::string prefix(1, SideTag(left));
  prefix.append(key);
  return store_->PrefixScan(prefix, [rows](std::string_view k, std::string_view v) {
    rows->keys.emplace_back(k);
    rows->values.emplace_back(v);
    rows->dirty.push_back(0);
    return true;
  });
}

void JoinState::SetMatched(Rows* rows, size_t i) {
  std::string& v = rows->values[i];
  if (!v.empty() && v[0] == 0) {
    v[0] = 1;
    rows->dirty[i] = 1;
  }
}

Status JoinState::WriteBack(const Rows& rows) {
  for (size_t i = 0; i < rows.keys.size(); ++i) {
    if (rows.dirty[i]) RETURN_NOT_OK(store_->Put(rows.keys[i], rows.values[i]));
  }
  return Status::OK();
}

Status JoinState::Append(bool left, std::string_view key, const std::vector<ColumnPtr>& columns,
                         int64_t row, bool matched, std::optional<int64_t> value_time) {
  Meta& meta = meta_[left ? 0 : 1];
  std::string k(1, SideTag(left));
  k.append(key);
  AppendSeq(meta.next_seq, &k);
  std::string v(1, matched ? 1 : 0);
  AppendJoinRow(columns, row, &v);
  RETURN_NOT_OK(store_->Put(k, v));
  if (indexed_[left ? 0 : 1]) {
    std::string index(1, static_cast<char>(SideTag(left) | kIndexBit));
    AppendEventTimePrefix(value_time, &index);
    AppendSeq(meta.next_seq, &index);
    RETURN_NOT_OK(store_->Put(index, k));
  }
  ++meta.next_seq;
  ++meta.rows;
  return Status::OK();
}

std::string JoinState::OrderedPrefix(bool left) const {
  return std::string(1, by_key_ ? SideTag(left) : static_cast<char>(SideTag(left) | kIndexBit));
}

Status JoinState::ScanUpTo(bool left, int64_t limit_micros, const state::StateVisitor& visit) {
  if (!by_key_ && !indexed_[left ? 0 : 1]) return Status::OK();
  return store_->PrefixScan(OrderedPrefix(left), [&](std::string_view k, std::string_view v) {
    // NULL event times sort last and are never evicted.
    std::optional<int64_t> t = DecodeEventTimePrefix(k.substr(1));
    if (!t.has_value() || *t > limit_micros) return false;
    return visit(k, v);
  });
}

Result<int64_t> JoinState::Evict(bool left, int64_t limit_micros,
                                 std::vector<std::string>* unmatched) {
  std::vector<std::string> keys, values;
  RETURN_NOT_OK(ScanUpTo(left, limit_micros, [&](std::string_view k, std::string_view v) {
    keys.emplace_back(k);
    values.emplace_back(v);
    return true;
  }));
  if (!by_key_) {
    // Index entries: their value is the row's key.
    for (size_t i = 0; i < keys.size(); ++i) {
      RETURN_NOT_OK(store_->Remove(keys[i]));
      keys[i] = std::move(values[i]);
      ASSIGN_OR_RAISE(bool found, store_->Get(keys[i], &values[i]));
      if (!found) return Status::Corruption("stream-stream join state: index entry without row");
    }
  }
  for (size_t i = 0; i < keys.size(); ++i) {
    RETURN_NOT_OK(store_->Remove(keys[i]));
    if (unmatched != nullptr && !JoinRowMatched(values[i])) {
      unmatched->push_back(std::move(values[i]));
    }
  }
  const auto n = static_cast<int64_t>(keys.size());
  meta_[left ? 0 : 1].rows -= n;
  return n;
}

Result<int64_t> JoinState::CountBehind(bool left, int64_t limit_micros) {
  int64_t behind = 0;
  RETURN_NOT_OK(ScanUpTo(left, limit_micros, [&](std::string_view, std::string_view) {
    ++behind;
    return true;
  }));
  return behind;
}

}  // namespace weir::exec
