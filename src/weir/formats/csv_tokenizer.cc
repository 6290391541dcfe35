#include "weir/formats/csv_tokenizer.h"

namespace weir::formats::internal {

namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t'; }

}  // namespace

std::string* CsvTokenizer::Scratch(size_t i) {
  if (scratch_.size() <= i) scratch_.resize(i + 1);
  scratch_[i].clear();
  return &scratch_[i];
}

bool CsvTokenizer::Next(std::string_view buffer, size_t* pos, std::string_view* record,
                        int64_t* lines, int64_t* record_line) {
  size_t p = *pos;
  while (p < buffer.size()) {
    // Skip empty and comment lines.
    char c = buffer[p];
    if (c == '\n') {
      ++p;
      ++*lines;
      continue;
    }
    if (c == '\r' && (p + 1 == buffer.size() || buffer[p + 1] == '\n')) {
      ++p;
      continue;
    }
    if (o_.comment && c == *o_.comment) {
      while (p < buffer.size() && buffer[p] != '\n') ++p;
      continue;
    }
    *record_line = *lines;
    size_t end = ParseRecord(buffer, p);
    std::string_view text = buffer.substr(p, end - p);
    for (char ch : text) {
      if (ch == '\n') ++*lines;
    }
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    *record = text;
    if (end < buffer.size()) {
      ++end;  // the '\n'
      ++*lines;
    }
    *pos = end;
    return true;
  }
  *pos = p;
  return false;
}

size_t CsvTokenizer::ParseRecord(std::string_view buffer, size_t start) {
  fields_.clear();
  const char sep = o_.sep, quote = o_.quote, escape = o_.escape;
  const size_t n = buffer.size();
  size_t p = start;
  // Whether the record ends at `i` (a line break outside quotes).
  auto at_eol = [&](size_t i) {
    return i >= n || buffer[i] == '\n' ||
           (buffer[i] == '\r' && (i + 1 >= n || buffer[i + 1] == '\n'));
  };
  while (true) {
    size_t f = p;
    if (o_.ignore_leading_ws) {
      while (f < n && IsSpace(buffer[f])) ++f;
    }
    CsvField field;
    if (quote != '\0' && f < n && buffer[f] == quote) {
      field.quoted = true;
      std::string* s = Scratch(fields_.size());
      size_t i = f + 1;
      bool closed = false;
      while (i < n) {
        char c = buffer[i];
        if (c == '\n' && !o_.multi_line) break;
        if (c == escape && escape != quote && i + 1 < n &&
            (buffer[i + 1] == quote || buffer[i + 1] == escape)) {
          s->push_back(buffer[i + 1]);
          i += 2;
          continue;
        }
        if (c == quote) {
          if (i + 1 < n && buffer[i + 1] == quote) {
            s->push_back(quote);
            i += 2;
            continue;
          }
          closed = true;
          ++i;
          break;
        }
        s->push_back(c);
        ++i;
      }
      if (!closed && !s->empty() && s->back() == '\r' && (i >= n || buffer[i] == '\n')) {
        s->pop_back();
      }
      // Text after the closing quote, up to the separator, is kept.
      while (i < n && buffer[i] != sep && !at_eol(i)) {
        if (!(o_.ignore_trailing_ws && IsSpace(buffer[i]))) s->push_back(buffer[i]);
        ++i;
      }
      field.text = *s;
      p = i;
    } else {
      size_t i = f;
      while (i < n && buffer[i] != sep && !at_eol(i)) ++i;
      size_t e = i;
      if (o_.ignore_trailing_ws) {
        while (e > f && IsSpace(buffer[e - 1])) --e;
      }
      field.text = buffer.substr(f, e - f);
      p = i;
    }
    fields_.push_back(field);
    if (p < n && buffer[p] == sep) {
      ++p;
      continue;
    }
    // At the line break or the end.
    if (p < n && buffer[p] == '\r') ++p;
    return p;
  }
}

}  // namespace weir::formats::internal
