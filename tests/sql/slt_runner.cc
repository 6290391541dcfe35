// weir_slt: runs sqllogictest files against a fresh weir Session per file.
//
// The dialect is the one DuckDB's and SQLite's suites use:
//
//   # a comment
//   statement ok
//   CREATE TEMPORARY VIEW t AS SELECT * FROM VALUES (1, 'a') AS t(x, y)
//
//   statement error
//   SELECT reqest FROM t
//   ----
//   cannot be resolved            <- a substring the error (with its hint) must contain
//
//   query IT rowsort
//   SELECT x, y FROM t
//   ----
//   1	a
//
// A query's expected rows are tab-separated values as CAST(v AS STRING) renders them,
// with NULL as `NULL` and an empty string as `(empty)`. The type letters after
// `query` (I integer, R real, T text, B boolean, D other) give the column count;
// the sort mode is nosort (default), rowsort (expected and actual lines both sorted
// before comparing) or valuesort (all values sorted). A statement runs until the next blank line.
// `${SLT_DIR}` in SQL is replaced by the directory of the .slt file.
//
// Exit code 0 when every record passed; 1 with a report of each failure otherwise.

#include <algorithm>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "weir/api/session.h"
#include "weir/types/pretty.h"

namespace {

struct Record {
  enum class Kind { kStatementOk, kStatementError, kQuery } kind = Kind::kStatementOk;
  int line = 0;
  std::string sql;
  std::string types;                  // kQuery
  std::string sort_mode;              // kQuery
  std::vector<std::string> expected;  // result lines, or the error substring
};

std::vector<std::string> SplitWords(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> words;
  std::string w;
  while (in >> w) words.push_back(w);
  return words;
}

std::string ReplaceAll(std::string s, const std::string& from, const std::string& to) {
  for (size_t pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size())) {
    s.replace(pos, from.size(), to);
  }
  return s;
}

bool ParseFile(const std::string& path, std::vector<Record>* records, std::string* error) {
  std::ifstream in(path);
  if (!in) {
    *error = "cannot read " + path;
    return false;
  }
  const std::string dir =
      path.substr(0, path.find_last_of('/') == std::string::npos ? 0 : path.find_last_of('/'));
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(line);
  }
  size_t i = 0;
  while (i < lines.size()) {
    const std::vector<std::string> words = SplitWords(lines[i]);
    if (words.empty() || words[0][0] == '#') {
      ++i;
      continue;
    }
    Record r;
    r.line = static_cast<int>(i + 1);
    if (words[0] == "statement" && words.size() >= 2 && words[1] == "ok") {
      r.kind = Record::Kind::kStatementOk;
    } else if (words[0] == "statement" && words.size() >= 2 && words[1] == "error") {
      r.kind = Record::Kind::kStatementError;
    } else if (words[0] == "query" && words.size() >= 2) {
      r.kind = Record::Kind::kQuery;
      r.types = words[1];
      r.sort_mode = words.size() >= 3 ? words[2] : "nosort";
      if (r.sort_mode != "nosort" && r.sort_mode != "rowsort" && r.sort_mode != "valuesort") {
        *error = path + ":" + std::to_string(r.line) + ": unknown sort mode " + r.sort_mode;
        return false;
      }
    } else if (words[0] == "halt") {
      break;
    } else {
      *error = path + ":" + std::to_string(r.line) + ": unknown record '" + lines[i] + "'";
      return false;
    }
    ++i;
    std::string sql;
    while (i < lines.size() && !lines[i].empty() && lines[i] != "----") {
      sql += (sql.empty() ? "" : "\n") + lines[i];
      ++i;
    }
    r.sql = ReplaceAll(sql, "${SLT_DIR}", dir.empty() ? "." : dir);
    if (i < lines.size() && lines[i] == "----") {
      ++i;
      while (i < lines.size() && !lines[i].empty()) r.expected.push_back(lines[i++]);
    }
    if (r.sql.empty()) {
      *error = path + ":" + std::to_string(r.line) + ": record without SQL";
      return false;
    }
    records->push_back(std::move(r));
  }
  return true;
}

// The result's rows as slt lines (tab-separated cells).
std::vector<std::vector<std::string>> ResultCells(const weir::api::StatementResult& result,
                                                  const weir::TimeZone& tz) {
  std::vector<std::vector<std::string>> rows;
  weir::PrettyOptions pretty;
  pretty.time_zone = &tz;
  for (const weir::Batch& b : result.batches) {
    for (int64_t r = 0; r < b.num_rows(); ++r) {
      std::vector<std::string> cells;
      for (int c = 0; c < b.num_columns(); ++c) {
        std::string cell = weir::FormatPretty(*b.column(c), b.RowIndex(r), pretty);
        if (cell.empty() && !b.column(c)->IsNull(b.RowIndex(r))) cell = "(empty)";
        cells.push_back(std::move(cell));
      }
      rows.push_back(std::move(cells));
    }
  }
  return rows;
}

std::string Joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& l : lines) out += "  " + l + "\n";
  return out;
}

// Runs one record; returns an empty string on success, else what went wrong.
std::string RunRecord(weir::api::Session& session, const Record& r) {
  weir::Result<weir::api::StatementResult> result = session.Execute(r.sql);
  switch (r.kind) {
    case Record::Kind::kStatementOk:
      return result.ok() ? "" : "statement failed: " + result.status().ToString();
    case Record::Kind::kStatementError: {
      if (result.ok()) return "statement succeeded but an error was expected";
      const std::string text = result.status().ToString();
      for (const std::string& want : r.expected) {
        if (text.find(want) == std::string::npos) {
          return "error does not contain '" + want + "':\n  " + text;
        }
      }
      return "";
    }
    case Record::Kind::kQuery: {
      if (!result.ok()) return "query failed: " + result.status().ToString();
      if (!result->has_rows()) return "statement returned no rows";
      if (result->schema->num_fields() != static_cast<int>(r.types.size())) {
        return "query has " + std::to_string(result->schema->num_fields()) +
               " columns, the record says " + std::to_string(r.types.size());
      }
      std::vector<std::vector<std::string>> rows =
          ResultCells(*result, session.eval_options().time_zone);
      std::vector<std::string> got;
      if (r.sort_mode == "valuesort") {
        for (auto& row : rows) {
          for (auto& cell : row) got.push_back(std::move(cell));
        }
        std::sort(got.begin(), got.end());
      } else {
        for (const auto& row : rows) {
          std::string line;
          for (size_t c = 0; c < row.size(); ++c) line += (c > 0 ? "\t" : "") + row[c];
          got.push_back(std::move(line));
        }
      }
      std::vector<std::string> want = r.expected;
      if (r.sort_mode == "rowsort") {
        std::sort(got.begin(), got.end());
        std::sort(want.begin(), want.end());
      }
      if (r.sort_mode == "valuesort") {
        std::vector<std::string> values;
        for (const std::string& line : want) {
          std::istringstream in(line);
          for (std::string v; std::getline(in, v, '\t');) values.push_back(v);
        }
        want = std::move(values);
        std::sort(want.begin(), want.end());
      }
      if (got != want) return "wrong result\nexpected:\n" + Joined(want) + "got:\n" + Joined(got);
      return "";
    }
  }
  return "unknown record";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: weir_slt FILE.slt...\n";
    return 2;
  }
  int failures = 0;
  int total = 0;
  for (int f = 1; f < argc; ++f) {
    std::vector<Record> records;
    std::string error;
    if (!ParseFile(argv[f], &records, &error)) {
      std::cerr << error << "\n";
      return 1;
    }
    weir::api::SessionOptions options;
    options.threads = 2;
    weir::api::Session session(options);
    for (const Record& r : records) {
      ++total;
      const std::string problem = RunRecord(session, r);
      if (!problem.empty()) {
        ++failures;
        std::cerr << argv[f] << ":" << r.line << ": " << problem << "\n  SQL: " << r.sql << "\n\n";
      }
    }
  }
  std::cout << total - failures << " of " << total << " records passed\n";
  return failures == 0 ? 0 : 1;
}
