#include "weir/formats/csv_writer.h"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <vector>

#include <absl/time/time.h>

#include "weir/types/datetime.h"
#include "weir/types/pretty.h"

namespace weir::formats {

namespace {

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// An append cursor over `out`: room is made in large steps (the string's size runs
// ahead of the text and is cut back by Finish), so that a cell costs no capacity
// check per character.
class Cursor {
 public:
  explicit Cursor(std::string* out) : out_(out), pos_(out->size()) {}

  // Room for `n` more bytes at the returned pointer; Advance(end) commits them.
  char* Reserve(size_t n) {
    if (pos_ + n > out_->size()) out_->resize(std::max(out_->size() * 2, pos_ + n + 4096));
    return out_->data() + pos_;
  }
  void Advance(const char* end) { pos_ = static_cast<size_t>(end - out_->data()); }
  void Append(std::string_view s) {
    char* p = Reserve(s.size());
    std::memcpy(p, s.data(), s.size());
    pos_ += s.size();
  }
  void Put(char c) { *Reserve(1) = c, ++pos_; }
  size_t pos() const { return pos_; }
  const char* at(size_t pos) const { return out_->data() + pos; }
  void Truncate(size_t pos) { pos_ = pos; }
  void Finish() { out_->resize(pos_); }

 private:
  std::string* out_;
  size_t pos_;
};

// Zero-padded decimal digits of v (at least `width` of them) at p; returns the end.
char* PutPadded(char* p, uint64_t v, int width) {
  char tmp[24];
  char* e = tmp + sizeof(tmp);
  char* b = e;
  do {
    *--b = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  while (e - b < width) *--b = '0';
  std::memcpy(p, b, static_cast<size_t>(e - b));
  return p + (e - b);
}

char* Put2(char* p, int v) {
  p[0] = static_cast<char>('0' + v / 10);
  p[1] = static_cast<char>('0' + v % 10);
  return p + 2;
}

// A date as types/datetime.cc's AppendDate writes it ("2024-03-05", "+10000-01-01",
// "-0001-01-01"), keeping the text of the last day.
class DateText {
 public:
  std::string_view Of(int64_t days) {
    if (days != days_ || len_ == 0) {
      const CivilDate c = CivilFromDays(days);
      char* p = text_;
      uint64_t year = static_cast<uint64_t>(c.year);
      if (c.year > 9999) {
        *p++ = '+';
      } else if (c.year < 0) {
        *p++ = '-';
        year = 0 - year;
      }
      p = PutPadded(p, year, 4);
      *p++ = '-';
      p = Put2(p, c.month);
      *p++ = '-';
      p = Put2(p, c.day);
      len_ = static_cast<size_t>(p - text_);
      days_ = days;
    }
    return {text_, len_};
  }

 private:
  int64_t days_ = 0;
  size_t len_ = 0;
  char text_[40];
};

// The UTC offset of `tz` at an instant. A fixed zone is one number; for a zone with
// transitions the offset of the last hour is kept when both of its ends agree (no
// zone has two transitions within an hour).
class Offsets {
 public:
  explicit Offsets(const absl::TimeZone& zone) : zone_(zone) {
    absl::TimeZone::CivilTransition trans;
    fixed_ = !zone_.NextTransition(absl::InfinitePast(), &trans);
    offset_ = zone_.At(absl::UnixEpoch()).offset;
  }

  int64_t At(int64_t secs) {
    if (fixed_) return offset_;
    const int64_t hour = FloorDiv(secs, 3600) * 3600;
    if (hour == hour_) return offset_;
    const int64_t first = zone_.At(absl::FromUnixSeconds(hour)).offset;
    const int64_t last = zone_.At(absl::FromUnixSeconds(hour + 3599)).offset;
    if (first != last) {
      hour_ = INT64_MIN;
      return zone_.At(absl::FromUnixSeconds(secs)).offset;
    }
    hour_ = hour;
    offset_ = first;
    return offset_;
  }

 private:
  absl::TimeZone zone_;
  bool fixed_ = false;
  int64_t hour_ = INT64_MIN;
  int64_t offset_ = 0;
};

enum class Kind { kBoolean, kInt32, kInt64, kString, kDate, kTimestamp, kOther };

Kind KindOf(TypeId id) {
  switch (id) {
    case TypeId::kBoolean:
      return Kind::kBoolean;
    case TypeId::kInt32:
      return Kind::kInt32;
    case TypeId::kInt64:
      return Kind::kInt64;
    case TypeId::kString:
      return Kind::kString;
    case TypeId::kDate:
      return Kind::kDate;
    case TypeId::kTimestamp:
      return Kind::kTimestamp;
    default:
      return Kind::kOther;
  }
}

class Writer {
 public:
  Writer(const CsvOptions& options, std::string* out)
      : o_(options), cur_(out), offsets_(ZoneOf(options).zone()) {
    for (char c : {o_.sep, o_.quote, '\n', '\r'}) special_[static_cast<unsigned char>(c)] = true;
    sep_word_ = 0x0101010101010101 * static_cast<unsigned char>(o_.sep);
    quote_word_ = 0x0101010101010101 * static_cast<unsigned char>(o_.quote);
  }

  // True when `s` holds a separator, quote, '\n' or '\r': eight bytes at a time, a
  // byte equal to c being a zero byte of w ^ c (the classic has-zero-byte test).
  bool HasSpecial(std::string_view s) const {
    constexpr uint64_t kOnes = 0x0101010101010101, kHigh = 0x8080808080808080;
    auto has_zero = [](uint64_t x) { return ((x - kOnes) & ~x & kHigh) != 0; };
    size_t i = 0;
    for (; i + 8 <= s.size(); i += 8) {
      uint64_t w;
      std::memcpy(&w, s.data() + i, 8);
      if (has_zero(w ^ sep_word_) || has_zero(w ^ quote_word_) || has_zero(w ^ (kOnes * '\n')) ||
          has_zero(w ^ (kOnes * '\r'))) {
        return true;
      }
    }
    for (; i < s.size(); ++i) {
      if (special_[static_cast<unsigned char>(s[i])]) return true;
    }
    return false;
  }

  // A cell as AppendCsv's write_field writes it.
  void Field(std::string_view s, bool is_string) {
    const bool needs_quote = o_.quote_all || HasSpecial(s);
    if (is_string && s.empty() && !o_.quote_all) {
      cur_.Append(o_.empty_value);
      return;
    }
    if (!needs_quote) {
      cur_.Append(s);
      return;
    }
    char* p = cur_.Reserve(2 * s.size() + 2);
    *p++ = o_.quote;
    for (char c : s) {
      if (c == o_.quote) *p++ = o_.escape;
      *p++ = c;
    }
    *p++ = o_.quote;
    cur_.Advance(p);
  }

  // Quotes the unquoted text written since `start` when it needs quoting (a separator
  // or quote character among digits, or quoteAll).
  void QuoteIfNeeded(size_t start) {
    bool needs_quote = o_.quote_all;
    for (const char* p = cur_.at(start); p != cur_.at(cur_.pos()); ++p) {
      needs_quote |= special_[static_cast<unsigned char>(*p)];
    }
    if (!needs_quote) return;
    scratch_.assign(cur_.at(start), cur_.pos() - start);
    cur_.Truncate(start);
    Field(scratch_, false);
  }

  void Cell(const Column& col, Kind kind, int64_t row) {
    const size_t start = cur_.pos();
    switch (kind) {
      case Kind::kString:
        Field(col.Get<StringRef>(row).view(), true);
        return;
      case Kind::kBoolean:
        cur_.Append(col.Get<uint8_t>(row) ? std::string_view("true") : std::string_view("false"));
        break;
      case Kind::kInt32: {
        char* p = cur_.Reserve(16);
        cur_.Advance(std::to_chars(p, p + 16, col.Get<int32_t>(row)).ptr);
        break;
      }
      case Kind::kInt64: {
        char* p = cur_.Reserve(24);
        cur_.Advance(std::to_chars(p, p + 24, col.Get<int64_t>(row)).ptr);
        break;
      }
      case Kind::kDate:
        cur_.Append(dates_.Of(col.Get<int32_t>(row)));
        break;
      case Kind::kTimestamp:
        Timestamp(col.Get<int64_t>(row));
        break;
      case Kind::kOther:
        scratch_.clear();
        AppendPretty(col, row, pretty_, &scratch_);
        Field(scratch_, false);
        return;
    }
    if (has_special_digits_ || o_.quote_all) QuoteIfNeeded(start);
  }

  // yyyy-MM-dd'T'HH:mm:ss.SSSXXX, as AppendTimestampIso writes it.
  void Timestamp(int64_t micros) {
    const int64_t secs = FloorDiv(micros, kMicrosPerSecond);
    const int64_t millis = (micros - secs * kMicrosPerSecond) / 1000;
    const int64_t offset = offsets_.At(secs);
    const int64_t local = secs + offset;
    const int64_t days = FloorDiv(local, 86400);
    const int64_t tod = local - days * 86400;
    const std::string_view date = dates_.Of(days);
    char* const begin = cur_.Reserve(date.size() + 32);
    char* p = begin;
    std::memcpy(p, date.data(), date.size());
    p += date.size();
    *p++ = 'T';
    p = Put2(p, static_cast<int>(tod / 3600));
    *p++ = ':';
    p = Put2(p, static_cast<int>(tod / 60 % 60));
    *p++ = ':';
    p = Put2(p, static_cast<int>(tod % 60));
    *p++ = '.';
    p = PutPadded(p, static_cast<uint64_t>(millis), 3);
    if (offset == 0) {
      *p++ = 'Z';
    } else {
      *p++ = offset < 0 ? '-' : '+';
      const int64_t a = offset < 0 ? -offset : offset;
      p = PutPadded(p, static_cast<uint64_t>(a / 3600), 2);
      *p++ = ':';
      p = Put2(p, static_cast<int>(a / 60 % 60));
    }
    cur_.Advance(p);
  }

  void Write(const Batch& batch) {
    const Schema& schema = *batch.schema();
    if (o_.header) {
      for (int c = 0; c < schema.num_fields(); ++c) {
        if (c > 0) cur_.Put(o_.sep);
        Field(schema.field(c).name, false);
      }
      cur_.Put('\n');
    }
    // Numbers, booleans, dates and timestamps are written without a quoting check
    // unless a character they can contain is special.
    for (char c : std::string_view("0123456789-+.:TZtruefals")) {
      has_special_digits_ |= special_[static_cast<unsigned char>(c)];
    }
    pretty_.time_zone = o_.time_zone;
    const int num_cols = batch.num_columns();
    std::vector<const Column*> cols(static_cast<size_t>(num_cols));
    std::vector<Kind> kinds(static_cast<size_t>(num_cols));
    for (int c = 0; c < num_cols; ++c) {
      cols[static_cast<size_t>(c)] = batch.column(c).get();
      kinds[static_cast<size_t>(c)] = KindOf(batch.column(c)->type().id());
    }
    for (int64_t r = 0; r < batch.num_rows(); ++r) {
      const int64_t phys = batch.RowIndex(r);
      for (int c = 0; c < num_cols; ++c) {
        if (c > 0) cur_.Put(o_.sep);
        const Column& col = *cols[static_cast<size_t>(c)];
        if (col.IsNull(phys)) {
          cur_.Append(o_.null_value);
          continue;
        }
        Cell(col, kinds[static_cast<size_t>(c)], phys);
      }
      cur_.Put('\n');
    }
    cur_.Finish();
  }

 private:
  static const TimeZone& ZoneOf(const CsvOptions& o) {
    static const TimeZone kUtc;
    return o.time_zone != nullptr ? *o.time_zone : kUtc;
  }

  const CsvOptions& o_;
  Cursor cur_;
  Offsets offsets_;
  DateText dates_;
  PrettyOptions pretty_;
  bool special_[256] = {};
  uint64_t sep_word_ = 0;    // the separator in every byte
  uint64_t quote_word_ = 0;  // the quote character in every byte
  bool has_special_digits_ = false;
  std::string scratch_;
};

}  // namespace

Status WriteCsv(const Batch& batch, const CsvOptions& options, std::string* out) {
  for (const Field& f : batch.schema()->fields()) {
    switch (f.type.id()) {
      case TypeId::kBinary:
      case TypeId::kInterval:
      case TypeId::kArray:
      case TypeId::kMap:
      case TypeId::kStruct:
        return Status::Unsupported("CSV data source does not support " + f.type.ToString() +
                                   " data type (column '" + f.name + "')");
      default:
        break;
    }
  }
  Writer(options, out).Write(batch);
  return Status::OK();
}

}  // namespace weir::formats
