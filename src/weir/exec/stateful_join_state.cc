#include "weir/exec/stateful_join_state.h"

#include <algorithm>
#include <cstring>

#include "weir/common/check.h"
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

constexpr size_t kSeqBytes = 8;
constexpr size_t kSizeBytes = 4;

void PutFixed32(uint32_t v, char* out) {
  for (int i = 0; i < 4; ++i) out[i] = static_cast<char>((v >> (8 * i)) & 0xff);
}
uint32_t GetFixed32(const char* in) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(in[i]);
  return v;
}

Status BadBlock() {
  return Status::Corruption("stream-stream join state: malformed block or index entry");
}

// Calls visit(offset, size, time) for each row of a block, in order: `offset` and
// `size` locate its matched byte ++ row; `time` is its value time (indexed blocks;
// unset otherwise or when NULL).
template <typename Visit>
Status ForEachRow(std::string_view block, bool indexed, Visit&& visit) {
  size_t pos = 0;
  const size_t header = kSizeBytes + (indexed ? kEventTimePrefixBytes : 0);
  while (pos < block.size()) {
    if (block.size() - pos < header) return BadBlock();
    const uint32_t n = GetFixed32(block.data() + pos);
    std::optional<int64_t> t;
    if (indexed) t = DecodeEventTimePrefix(block.substr(pos + kSizeBytes));
    pos += header;
    if (n == 0 || block.size() - pos < n) return BadBlock();
    visit(pos, n, t);
    pos += n;
  }
  return Status::OK();
}

// An index entry's key: its earliest value time and an 8-byte sequence number.
std::string IndexKey(bool left, std::optional<int64_t> earliest, std::string_view seq) {
  std::string index(1, static_cast<char>(SideTag(left) | kIndexBit));
  AppendEventTimePrefix(earliest, &index);
  index.append(seq);
  return index;
}

// The earlier of two value times; unset (NULL) is the latest.
std::optional<int64_t> Earlier(std::optional<int64_t> a, std::optional<int64_t> b) {
  if (!a.has_value()) return b;
  if (!b.has_value()) return a;
  return std::min(*a, *b);
}
std::optional<int64_t> Later(std::optional<int64_t> a, std::optional<int64_t> b) {
  if (!a.has_value() || !b.has_value()) return std::nullopt;
  return std::max(*a, *b);
}
bool AtOrBefore(std::optional<int64_t> t, int64_t limit) { return t.has_value() && *t <= limit; }

// One block an index entry lists.
struct IndexItem {
  std::string_view key;
  std::optional<int64_t> earliest;
  std::optional<int64_t> latest;
  uint32_t rows = 0;
};

void AppendIndexItem(const IndexItem& item, std::string* out) {
  char size[kSizeBytes];
  PutFixed32(static_cast<uint32_t>(item.key.size()), size);
  out->append(size, kSizeBytes);
  out->append(item.key);
  AppendEventTimePrefix(item.earliest, out);
  AppendEventTimePrefix(item.latest, out);
  PutFixed32(item.rows, size);
  out->append(size, kSizeBytes);
}

Status ParseIndex(std::string_view v, std::vector<IndexItem>* items) {
  items->clear();
  while (!v.empty()) {
    if (v.size() < kSizeBytes) return BadBlock();
    const uint32_t n = GetFixed32(v.data());
    v.remove_prefix(kSizeBytes);
    if (v.size() < size_t{n} + 2 * kEventTimePrefixBytes + kSizeBytes) return BadBlock();
    IndexItem item;
    item.key = v.substr(0, n);
    v.remove_prefix(n);
    item.earliest = DecodeEventTimePrefix(v);
    item.latest = DecodeEventTimePrefix(v.substr(kEventTimePrefixBytes));
    v.remove_prefix(2 * kEventTimePrefixBytes);
    item.rows = GetFixed32(v.data());
    v.remove_prefix(kSizeBytes);
    items->push_back(item);
  }
  return Status::OK();
}

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
    RETURN_NOT_OK(Flush(left));
    RETURN_NOT_OK(FlushIndex(left));
    const Meta& m = meta_[left ? 0 : 1];
    char v[16];
    std::memcpy(v, &m.next_seq, 8);
    std::memcpy(v + 8, &m.rows, 8);
    RETURN_NOT_OK(store_->Put(MetaKey(left), std::string_view(v, 16)));
  }
  return Status::OK();
}

Status JoinState::Find(bool left, std::string_view key, Rows* rows) {
  RETURN_NOT_OK(Flush(left));
  std::string prefix(1, SideTag(left));
  prefix.append(key);
  const size_t first = rows->blocks.size();
  RETURN_NOT_OK(store_->PrefixScan(prefix, [rows](std::string_view k, std::string_view v) {
    rows->block_keys.emplace_back(k);
    rows->blocks.emplace_back(v);
    rows->dirty.push_back(0);
    return true;
  }));
  for (size_t b = first; b < rows->blocks.size(); ++b) {
    if (rows->blocks[b].size() >= UINT32_MAX) return BadBlock();
    const auto block = static_cast<uint32_t>(b);
    RETURN_NOT_OK(
        ForEachRow(rows->blocks[b], indexed(left),
                   [rows, block](size_t offset, uint32_t size, std::optional<int64_t>) {
                     rows->refs.push_back(Rows::Ref{block, static_cast<uint32_t>(offset), size});
                   }));
  }
  return Status::OK();
}

void JoinState::SetMatched(Rows* rows, size_t i) {
  const Rows::Ref& r = rows->refs[i];
  char& matched = rows->blocks[r.block][r.offset];
  if (matched == 0) {
    matched = 1;
    rows->dirty[r.block] = 1;
  }
}

Status JoinState::WriteBack(const Rows& rows) {
  for (size_t b = 0; b < rows.blocks.size(); ++b) {
    if (rows.dirty[b]) RETURN_NOT_OK(store_->Put(rows.block_keys[b], rows.blocks[b]));
  }
  return Status::OK();
}

Status JoinState::Append(bool left, std::string_view key, const std::vector<ColumnPtr>& columns,
                         std::span<const uint32_t> rows, std::span<const uint8_t> matched,
                         std::span<const std::optional<int64_t>> value_times) {
  if (rows.empty()) return Status::OK();
  const bool timed = indexed(left);
  Buffer& buffer = buffers_[left ? 0 : 1];
  auto it = buffer.index.find(key);
  if (it == buffer.index.end()) {
    const std::string_view kept = KeepKey(&buffer, key);
    it = buffer.index.emplace(kept, buffer.blocks.size()).first;
    buffer.blocks.emplace_back();
    buffer.blocks.back().key = kept;
    buffer.blocks.back().bytes.reserve(kFirstBlockBytes);
  }
  Buffered& block = buffer.blocks[it->second];
  std::string& v = block.bytes;
  const size_t before = v.size();
  for (size_t i = 0; i < rows.size(); ++i) {
    const size_t at = v.size();
    v.append(kSizeBytes, '\0');
    if (timed) {
      AppendEventTimePrefix(value_times[i], &v);
      const bool first = block.rows == 0 && i == 0;
      block.earliest = first ? value_times[i] : Earlier(block.earliest, value_times[i]);
      block.latest = first ? value_times[i] : Later(block.latest, value_times[i]);
    }
    const size_t start = v.size();
    v.push_back(matched[i] ? 1 : 0);
    AppendJoinRow(columns, rows[i], &v);
    WEIR_CHECK_LT(v.size() - start, size_t{UINT32_MAX});
    PutFixed32(static_cast<uint32_t>(v.size() - start), v.data() + at);
  }
  WEIR_CHECK_LT(size_t{block.rows} + rows.size(), size_t{UINT32_MAX});
  block.rows += static_cast<uint32_t>(rows.size());
  meta_[left ? 0 : 1].rows += static_cast<int64_t>(rows.size());
  buffer.bytes += v.size() - before;
  if (buffer.bytes >= kMaxBufferedBytes) return Flush(left);
  return Status::OK();
}

Status JoinState::Flush(bool left) {
  Buffer& buffer = buffers_[left ? 0 : 1];
  if (buffer.blocks.empty()) return Status::OK();
  Meta& meta = meta_[left ? 0 : 1];
  const bool timed = indexed(left);
  Pending& pending = pending_[left ? 0 : 1];
  std::string& k = key_buffer_;
  for (Buffered& block : buffer.blocks) {
    k.assign(1, SideTag(left));
    k.append(block.key);
    AppendSeq(meta.next_seq++, &k);
    RETURN_NOT_OK(store_->Put(k, block.bytes));
    if (!timed) continue;
    IndexItem item{k, block.earliest, block.latest, block.rows};
    AppendIndexItem(item, &pending.items);
    pending.earliest =
        pending.blocks == 0 ? item.earliest : Earlier(pending.earliest, item.earliest);
    if (++pending.blocks >= kMaxIndexBlocks) RETURN_NOT_OK(FlushIndex(left));
  }
  buffer.blocks.clear();
  buffer.index.clear();
  buffer.keys.clear();
  buffer.key_room = 0;
  buffer.bytes = 0;
  return Status::OK();
}

std::string_view JoinState::KeepKey(Buffer* buffer, std::string_view key) {
  if (key.empty()) return {};
  if (key.size() > buffer->key_room) {
    buffer->key_chunk = std::max(kKeyChunkBytes, key.size());
    buffer->keys.push_back(std::make_unique<char[]>(buffer->key_chunk));
    buffer->key_room = buffer->key_chunk;
  }
  char* at = buffer->keys.back().get() + (buffer->key_chunk - buffer->key_room);
  std::memcpy(at, key.data(), key.size());
  buffer->key_room -= key.size();
  return {at, key.size()};
}

Status JoinState::FlushIndex(bool left) {
  Pending& pending = pending_[left ? 0 : 1];
  if (pending.blocks == 0) return Status::OK();
  Meta& meta = meta_[left ? 0 : 1];
  std::string seq;
  AppendSeq(meta.next_seq++, &seq);
  RETURN_NOT_OK(store_->Put(IndexKey(left, pending.earliest, seq), pending.items));
  pending.items.clear();
  pending.blocks = 0;
  return Status::OK();
}

std::string JoinState::OrderedPrefix(bool left) const {
  return std::string(1, by_key_ ? SideTag(left) : static_cast<char>(SideTag(left) | kIndexBit));
}

Status JoinState::ScanUpTo(bool left, int64_t limit_micros, const state::StateVisitor& visit) {
  if (!by_key_ && !indexed(left)) return Status::OK();
  return store_->PrefixScan(OrderedPrefix(left), [&](std::string_view k, std::string_view v) {
    // NULL event times sort last and are never evicted.
    std::optional<int64_t> t = DecodeEventTimePrefix(k.substr(1));
    if (!t.has_value() || *t > limit_micros) return false;
    return visit(k, v);
  });
}

Result<int64_t> JoinState::Evict(bool left, int64_t limit_micros,
                                 std::vector<std::string>* unmatched) {
  // By the time key: whole blocks. By value time: index entries.
  RETURN_NOT_OK(Flush(left));
  RETURN_NOT_OK(FlushIndex(left));
  std::vector<std::string> keys, values;
  RETURN_NOT_OK(ScanUpTo(left, limit_micros, [&](std::string_view k, std::string_view v) {
    keys.emplace_back(k);
    values.emplace_back(v);
    return true;
  }));
  int64_t n = 0;
  if (by_key_) {
    for (size_t i = 0; i < keys.size(); ++i) {
      RETURN_NOT_OK(store_->Remove(keys[i]));
      const std::string_view block = values[i];
      RETURN_NOT_OK(ForEachRow(block, indexed(left),
                               [&](size_t offset, uint32_t size, std::optional<int64_t>) {
                                 ++n;
                                 const std::string_view row = block.substr(offset, size);
                                 if (unmatched != nullptr && !JoinRowMatched(row)) {
                                   unmatched->emplace_back(row);
                                 }
                               }));
    }
  } else {
    // Index entries: their value lists blocks.
    struct Gone {
      int64_t time;
      std::string value;
    };
    std::vector<Gone> gone;
    std::vector<IndexItem> items;
    std::string block, kept, kept_items;
    for (size_t i = 0; i < keys.size(); ++i) {
      RETURN_NOT_OK(store_->Remove(keys[i]));
      RETURN_NOT_OK(ParseIndex(values[i], &items));
      kept_items.clear();
      std::optional<int64_t> entry_earliest;
      bool entry_kept = false;
      auto keep = [&](const IndexItem& item) {
        AppendIndexItem(item, &kept_items);
        entry_earliest = entry_kept ? Earlier(entry_earliest, item.earliest) : item.earliest;
        entry_kept = true;
      };
      for (const IndexItem& item : items) {
        if (!AtOrBefore(item.earliest, limit_micros)) {
          keep(item);
          continue;
        }
        if (AtOrBefore(item.latest, limit_micros) && unmatched == nullptr) {
          // Every row goes, and none is output: no need to read them.
          RETURN_NOT_OK(store_->Remove(item.key));
          n += item.rows;
          continue;
        }
        ASSIGN_OR_RAISE(bool found, store_->Get(item.key, &block));
        if (!found) {
          return Status::Corruption("stream-stream join state: index entry without block");
        }
        kept.clear();
        IndexItem rest{item.key, std::nullopt, std::nullopt, 0};
        RETURN_NOT_OK(ForEachRow(
            block, /*indexed=*/true, [&](size_t offset, uint32_t size, std::optional<int64_t> t) {
              const std::string_view row = std::string_view(block).substr(offset, size);
              if (AtOrBefore(t, limit_micros)) {
                ++n;
                if (unmatched != nullptr && !JoinRowMatched(row)) {
                  gone.push_back(Gone{*t, std::string(row)});
                }
                return;
              }
              const size_t header = kSizeBytes + kEventTimePrefixBytes;
              kept.append(block, offset - header, header + size);
              rest.earliest = rest.rows == 0 ? t : Earlier(rest.earliest, t);
              rest.latest = rest.rows == 0 ? t : Later(rest.latest, t);
              ++rest.rows;
            }));
        if (rest.rows == 0) {
          RETURN_NOT_OK(store_->Remove(item.key));
          continue;
        }
        RETURN_NOT_OK(store_->Put(item.key, kept));
        keep(rest);
      }
      if (entry_kept) {
        // Indexed again at its new earliest time, after the limit (or NULL), under
        // the same sequence number.
        const std::string_view seq = std::string_view(keys[i]).substr(keys[i].size() - kSeqBytes);
        RETURN_NOT_OK(store_->Put(IndexKey(left, entry_earliest, seq), kept_items));
      }
    }
    if (unmatched != nullptr) {
      // Event-time order, and the order they were stored in for equal times.
      std::stable_sort(gone.begin(), gone.end(),
                       [](const Gone& a, const Gone& b) { return a.time < b.time; });
      for (Gone& g : gone) unmatched->push_back(std::move(g.value));
    }
  }
  meta_[left ? 0 : 1].rows -= n;
  return n;
}

Result<int64_t> JoinState::CountBehind(bool left, int64_t limit_micros) {
  RETURN_NOT_OK(Flush(left));
  RETURN_NOT_OK(FlushIndex(left));
  std::vector<std::string> values;
  RETURN_NOT_OK(ScanUpTo(left, limit_micros, [&](std::string_view, std::string_view v) {
    values.emplace_back(v);
    return true;
  }));
  int64_t behind = 0;
  std::vector<IndexItem> items;
  std::string block;
  for (const std::string& v : values) {
    if (by_key_) {
      RETURN_NOT_OK(ForEachRow(v, indexed(left),
                               [&](size_t, uint32_t, std::optional<int64_t>) { ++behind; }));
      continue;
    }
    RETURN_NOT_OK(ParseIndex(v, &items));
    for (const IndexItem& item : items) {
      if (!AtOrBefore(item.earliest, limit_micros)) continue;
      if (AtOrBefore(item.latest, limit_micros)) {
        behind += item.rows;
        continue;
      }
      ASSIGN_OR_RAISE(bool found, store_->Get(item.key, &block));
      if (!found) return Status::Corruption("stream-stream join state: index entry without block");
      RETURN_NOT_OK(
          ForEachRow(block, /*indexed=*/true, [&](size_t, uint32_t, std::optional<int64_t> t) {
            if (AtOrBefore(t, limit_micros)) ++behind;
          }));
    }
  }
  return behind;
}

}  // namespace weir::exec
