#include "weir/functions/ddl_schema.h"

#include <cctype>
#include <optional>
#include <vector>

namespace weir {

namespace {

// A token of the DDL grammar.
struct Token {
  enum Kind { kIdent, kQuoted, kNumber, kString, kPunct, kEnd, kBad } kind;
  std::string text;  // identifier or quoted name (unescaped), number, punctuation
  size_t pos;        // byte offset in the input
};

bool IsIdentChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// Recursive-descent parser over a token vector. Errors carry the furthest position
// reached so that ParseDdlSchema can report the more helpful of its two attempts.
class DdlParser {
 public:
  explicit DdlParser(std::string_view text) : text_(text) { Lex(); }

  Result<DataType> WholeType() {
    ASSIGN_OR_RAISE(DataType t, Type());
    RETURN_NOT_OK(ExpectEnd());
    return t;
  }

  Result<DataType> WholeColumns() {
    std::vector<Field> fields;
    if (Peek().kind == Token::kEnd) return DataType::Struct({});
    while (true) {
      ASSIGN_OR_RAISE(Field f, Column(/*colon_allowed=*/false));
      fields.push_back(std::move(f));
      if (!IsPunct(",")) break;
      ++next_;
    }
    RETURN_NOT_OK(ExpectEnd());
    return DataType::Struct(std::move(fields));
  }

  size_t error_pos() const { return error_pos_; }

 private:
  void Lex() {
    size_t i = 0;
    while (true) {
      while (i < text_.size() && std::isspace(static_cast<unsigned char>(text_[i]))) ++i;
      if (i >= text_.size()) break;
      char c = text_[i];
      size_t start = i;
      if (IsIdentChar(c)) {
        while (i < text_.size() && IsIdentChar(text_[i])) ++i;
        std::string_view word = text_.substr(start, i - start);
        bool digits = true;
        for (char d : word) digits &= std::isdigit(static_cast<unsigned char>(d)) != 0;
        tokens_.push_back({digits ? Token::kNumber : Token::kIdent, std::string(word), start});
      } else if (c == '`' || c == '\'' || c == '"') {
        // `name` with `` for a backquote; 'text' / "text" with backslash escapes.
        std::string value;
        ++i;
        bool closed = false;
        while (i < text_.size()) {
          if (text_[i] == c) {
            if (c == '`' && i + 1 < text_.size() && text_[i + 1] == '`') {
              value.push_back('`');
              i += 2;
              continue;
            }
            closed = true;
            ++i;
            break;
          }
          if (c != '`' && text_[i] == '\\' && i + 1 < text_.size()) ++i;
          value.push_back(text_[i++]);
        }
        if (!closed) {
          tokens_.push_back({Token::kBad, std::string(text_.substr(start)), start});
          break;
        }
        tokens_.push_back({c == '`' ? Token::kQuoted : Token::kString, std::move(value), start});
      } else if (c == '<' || c == '>' || c == '(' || c == ')' || c == ',' || c == ':') {
        tokens_.push_back({Token::kPunct, std::string(1, c), start});
        ++i;
      } else {
        tokens_.push_back({Token::kBad, std::string(1, c), start});
        ++i;
      }
    }
    tokens_.push_back({Token::kEnd, "", text_.size()});
  }

  const Token& Peek(size_t ahead = 0) const {
    return tokens_[std::min(next_ + ahead, tokens_.size() - 1)];
  }
  bool IsPunct(std::string_view p, size_t ahead = 0) const {
    return Peek(ahead).kind == Token::kPunct && Peek(ahead).text == p;
  }
  bool IsKeyword(std::string_view kw) const {
    return Peek().kind == Token::kIdent && Upper(Peek().text) == kw;
  }

  // [PARSE_SYNTAX_ERROR] at the current token.
  Status SyntaxError() {
    const Token& t = Peek();
    error_pos_ = std::max(error_pos_, t.pos);
    std::string near = t.kind == Token::kEnd ? "end of input" : "'" + TokenText(t) + "'";
    return At("[PARSE_SYNTAX_ERROR] Syntax error at or near " + near + ".", t.pos);
  }
  Status At(std::string message, size_t pos) {
    error_pos_ = std::max(error_pos_, pos);
    message += "(line 1, pos " + std::to_string(pos) + ")";
    message += "\n\n== SQL ==\n" + std::string(text_) + "\n" + std::string(pos, '-') + "^^^";
    return Status::InvalidSql(std::move(message)).WithPosition({1, static_cast<int>(pos) + 1});
  }
  std::string TokenText(const Token& t) const {
    if (t.kind == Token::kQuoted || t.kind == Token::kString) {
      // The token as written.
      size_t end = t.pos + 1;
      while (end < text_.size() && text_[end] != text_[t.pos]) ++end;
      return std::string(text_.substr(t.pos, end + 1 - t.pos));
    }
    return t.text;
  }

  Status Expect(std::string_view p) {
    if (!IsPunct(p)) return SyntaxError();
    ++next_;
    return Status::OK();
  }
  Status ExpectEnd() { return Peek().kind == Token::kEnd ? Status::OK() : SyntaxError(); }

  Result<std::string> Name() {
    const Token& t = Peek();
    if (t.kind != Token::kIdent && t.kind != Token::kQuoted && t.kind != Token::kNumber) {
      return SyntaxError();
    }
    ++next_;
    return t.text;
  }

  // name [':'] type [NOT NULL] [COMMENT 'text'].
  Result<Field> Column(bool colon_allowed) {
    Field f;
    ASSIGN_OR_RAISE(f.name, Name());
    if (colon_allowed && IsPunct(":")) ++next_;
    ASSIGN_OR_RAISE(f.type, Type());
    if (IsKeyword("NOT")) {
      ++next_;
      if (!IsKeyword("NULL")) return SyntaxError();
      ++next_;
      f.nullable = false;
    }
    if (IsKeyword("COMMENT")) {
      ++next_;
      if (Peek().kind != Token::kString) return SyntaxError();
      ++next_;
    }
    return f;
  }

  // '(' n [',' n] ')' after a type name; returns the numbers.
  Result<std::vector<int>> Parameters() {
    std::vector<int> params;
    if (!IsPunct("(")) return params;
    ++next_;
    while (true) {
      const Token& t = Peek();
      if (t.kind != Token::kNumber || t.text.size() > 9) return SyntaxError();
      params.push_back(std::stoi(t.text));
      ++next_;
      if (!IsPunct(",")) break;
      ++next_;
    }
    RETURN_NOT_OK(Expect(")"));
    return params;
  }

  Result<DataType> Type() {
    const Token& t = Peek();
    if (t.kind != Token::kIdent) return SyntaxError();
    std::string name = Upper(t.text);
    size_t pos = t.pos;
    ++next_;
    if (name == "ARRAY") {
      RETURN_NOT_OK(Expect("<"));
      ASSIGN_OR_RAISE(DataType element, Type());
      RETURN_NOT_OK(Expect(">"));
      return DataType::Array(std::move(element));
    }
    if (name == "MAP") {
      RETURN_NOT_OK(Expect("<"));
      ASSIGN_OR_RAISE(DataType key, Type());
      RETURN_NOT_OK(Expect(","));
      ASSIGN_OR_RAISE(DataType value, Type());
      RETURN_NOT_OK(Expect(">"));
      return DataType::Map(std::move(key), std::move(value));
    }
    if (name == "STRUCT") {
      RETURN_NOT_OK(Expect("<"));
      std::vector<Field> fields;
      if (!IsPunct(">")) {
        while (true) {
          ASSIGN_OR_RAISE(Field f, Column(/*colon_allowed=*/true));
          fields.push_back(std::move(f));
          if (!IsPunct(",")) break;
          ++next_;
        }
      }
      RETURN_NOT_OK(Expect(">"));
      return DataType::Struct(std::move(fields));
    }
    ASSIGN_OR_RAISE(std::vector<int> params, Parameters());
    auto simple = [&](DataType type) -> Result<DataType> {
      if (!params.empty()) return Unsupported(name, params, pos);
      return type;
    };
    if (name == "BOOLEAN") return simple(DataType::Boolean());
    if (name == "TINYINT" || name == "BYTE" || name == "SMALLINT" || name == "SHORT" ||
        name == "INT" || name == "INTEGER") {
      return simple(DataType::Int32());
    }
    if (name == "BIGINT" || name == "LONG") return simple(DataType::Int64());
    if (name == "FLOAT" || name == "REAL" || name == "DOUBLE") return simple(DataType::Double());
    if (name == "STRING") return simple(DataType::String());
    if (name == "BINARY") return simple(DataType::Binary());
    if (name == "DATE") return simple(DataType::Date());
    if (name == "TIMESTAMP" || name == "TIMESTAMP_LTZ") return simple(DataType::Timestamp());
    if (name == "INTERVAL") return simple(DataType::Interval());
    if (name == "VOID") return simple(DataType::Null());
    if (name == "CHAR" || name == "CHARACTER" || name == "VARCHAR") {
      if (params.size() != 1) return Unsupported(name, params, pos);
      return DataType::String();
    }
    if (name == "DECIMAL" || name == "DEC" || name == "NUMERIC") {
      if (params.size() > 2) return Unsupported(name, params, pos);
      int precision = params.empty() ? 10 : params[0];
      int scale = params.size() < 2 ? 0 : params[1];
      if (precision > kMaxDecimalPrecision) {
        return At("[DECIMAL_PRECISION_EXCEEDS_MAX_PRECISION] Decimal precision " +
                      std::to_string(precision) + " exceeds max precision 38.",
                  pos);
      }
      Result<DataType> d = DataType::Decimal(precision, scale);
      if (!d.ok()) {
        return At("[INVALID_SQL_SYNTAX] Invalid decimal type DECIMAL(" + std::to_string(precision) +
                      "," + std::to_string(scale) + ").",
                  pos);
      }
      return d;
    }
    return Unsupported(name, params, pos);
  }

  Status Unsupported(const std::string& name, const std::vector<int>& params, size_t pos) {
    std::string spelled = name;
    if (!params.empty()) {
      spelled += "(";
      for (size_t i = 0; i < params.size(); ++i) {
        if (i > 0) spelled += ",";
        spelled += std::to_string(params[i]);
      }
      spelled += ")";
    }
    return At("[UNSUPPORTED_DATATYPE] Unsupported data type \"" + spelled + "\".", pos);
  }

  std::string_view text_;
  std::vector<Token> tokens_;
  size_t next_ = 0;
  size_t error_pos_ = 0;
};

bool NeedsQuotes(const std::string& name) {
  if (name.empty()) return true;
  bool all_digits = true;
  for (char c : name) {
    if (!IsIdentChar(c)) return true;
    all_digits &= std::isdigit(static_cast<unsigned char>(c)) != 0;
  }
  return all_digits;
}

}  // namespace

Result<DataType> ParseDdlType(std::string_view text) { return DdlParser(text).WholeType(); }

Result<DataType> ParseDdlColumns(std::string_view text) { return DdlParser(text).WholeColumns(); }

Result<DataType> ParseDdlSchema(std::string_view text) {
  DdlParser as_type(text);
  Result<DataType> type = as_type.WholeType();
  if (type.ok()) return type;
  DdlParser as_columns(text);
  Result<DataType> columns = as_columns.WholeColumns();
  if (columns.ok()) return columns;
  return as_columns.error_pos() >= as_type.error_pos() ? columns : type;
}

std::string SqlTypeString(const DataType& type) {
  switch (type.id()) {
    case TypeId::kArray:
      return "ARRAY<" + SqlTypeString(type.element_type()) + ">";
    case TypeId::kMap:
      return "MAP<" + SqlTypeString(type.key_type()) + ", " + SqlTypeString(type.value_type()) +
             ">";
    case TypeId::kStruct: {
      std::string out = "STRUCT<";
      for (size_t i = 0; i < type.fields().size(); ++i) {
        const Field& f = type.fields()[i];
        if (i > 0) out += ", ";
        if (NeedsQuotes(f.name)) {
          out += '`';
          for (char c : f.name) {
            out += c;
            if (c == '`') out += '`';
          }
          out += '`';
        } else {
          out += f.name;
        }
        out += ": " + SqlTypeString(f.type);
        if (!f.nullable) out += " NOT NULL";
      }
      return out + ">";
    }
    default:
      return type.ToDdl();
  }
}

}  // namespace weir
