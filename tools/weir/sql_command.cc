#include "tools/weir/sql_command.h"

#include <fstream>
#include <iostream>
#include <sstream>

#include <histedit.h>
#include <unistd.h>

#include "weir/api/session.h"
#include "weir/sql/lexer.h"

#include "tools/weir/sql_output.h"

namespace weir::cli {

namespace {

// Prints `st` with the line of `sql` it points at and a caret under its column.
void PrintError(const Status& st, std::string_view sql, std::ostream& err) {
  err << "weir: " << st.message();
  const SourcePosition pos = st.position();
  if (pos.valid()) {
    err << " (line " << pos.line << ", column " << pos.column << ")\n";
    size_t begin = 0;
    for (int line = 1; line < pos.line && begin != std::string_view::npos; ++line) {
      begin = sql.find('\n', begin);
      if (begin != std::string_view::npos) ++begin;
    }
    if (begin != std::string_view::npos && begin <= sql.size()) {
      size_t end = sql.find('\n', begin);
      std::string_view text = sql.substr(begin, end == std::string_view::npos ? end : end - begin);
      err << "  " << text << "\n  ";
      // The caret goes under the column'th code point; tabs stay tabs to line up.
      int column = 1;
      for (size_t i = 0; i < text.size() && column < pos.column; ++i) {
        const unsigned char c = static_cast<unsigned char>(text[i]);
        if ((c & 0xC0) == 0x80) continue;
        err << (c == '\t' ? '\t' : ' ');
        ++column;
      }
      err << "^\n";
    }
  } else {
    err << "\n";
  }
  if (!st.hint().empty()) err << "hint: " << st.hint() << "\n";
}

// True when `buffer` holds at least one complete statement: the lexer succeeds (no
// open string or comment) and the last token is ';'.
bool StatementComplete(const std::string& buffer) {
  Result<std::vector<sql::Token>> tokens = sql::Tokenize(buffer);
  if (!tokens.ok()) {
    // An unclosed string or comment needs more lines; any other error is reported
    // when the statement runs.
    const std::string& msg = tokens.status().message();
    return msg.find("nclosed") == std::string::npos && msg.find("nterminated") == std::string::npos;
  }
  const auto& t = *tokens;
  return t.size() >= 2 && t[t.size() - 2].kind == sql::TokenKind::kSemicolon;
}

class SqlCommandImpl final : public SqlCommand {
 public:
  SqlCommandImpl(CLI::App& app, const GlobalOptions& global) : global_(global) {
    cmd_ = app.add_subcommand("sql", "Run SQL statements: -e, -f, or an interactive shell");
    cmd_->fallthrough();
    cmd_->add_option("-e,--execute", execute_, "Statements to run (separated by ';')")
        ->type_name("SQL");
    cmd_->add_option("-f,--file", files_, "A file of statements to run (repeatable)")
        ->type_name("FILE");
    cmd_->add_option("--format", output_.format, "Result format: table, csv or json")
        ->capture_default_str()
        ->check(CLI::IsMember({"table", "csv", "json"}));
    cmd_->add_option("--max-rows", output_.max_rows, "Rows of a table to print (0: all)")
        ->capture_default_str()
        ->check(CLI::Range(int64_t{0}, int64_t{1} << 40));
    cmd_->add_option("--truncate", output_.truncate,
                     "Cut table cells longer than this many characters (0: never)")
        ->capture_default_str()
        ->check(CLI::Range(0, 1 << 20));
    cmd_->add_option("--threads", threads_, "Worker threads (0: one per core)")
        ->capture_default_str()
        ->check(CLI::Range(0, 1024));
  }

  std::optional<int> Dispatch(std::ostream& out, std::ostream& err) override {
    if (!*cmd_) return std::nullopt;
    api::SessionOptions options;
    options.data_dir = global_.data_dir;
    options.threads = threads_;
    api::Session session(options);
    if (!execute_.empty() || !files_.empty()) {
      if (!execute_.empty() && !RunScript(session, execute_, out, err)) return kExitFailure;
      for (const std::string& path : files_) {
        std::ifstream in(path, std::ios::binary);
        if (!in) {
          err << "weir: cannot read " << path << "\n";
          return kExitFailure;
        }
        std::stringstream text;
        text << in.rdbuf();
        if (!RunScript(session, text.str(), out, err)) return kExitFailure;
      }
      return kExitOk;
    }
    return isatty(STDIN_FILENO) ? Interactive(session, out, err) : Piped(session, out, err);
  }

 private:
  bool RunScript(api::Session& session, std::string_view sql, std::ostream& out,
                 std::ostream& err) {
    Status st = session.ExecuteScript(sql, [&](std::string_view, api::StatementResult& r) {
      return PrintResult(r, output_, session.eval_options().time_zone, out);
    });
    if (!st.ok()) {
      PrintError(st, sql, err);
      return false;
    }
    return true;
  }

  // Statements from a pipe: all of standard input is one script.
  int Piped(api::Session& session, std::ostream& out, std::ostream& err) {
    std::stringstream text;
    text << std::cin.rdbuf();
    return RunScript(session, text.str(), out, err) ? kExitOk : kExitFailure;
  }

  int Interactive(api::Session& session, std::ostream& out, std::ostream& err);

  const GlobalOptions& global_;
  CLI::App* cmd_ = nullptr;
  std::string execute_;
  std::vector<std::string> files_;
  OutputOptions output_;
  int threads_ = 0;
};

const char* Prompt(EditLine* el) {
  void* data = nullptr;
  el_get(el, EL_CLIENTDATA, &data);
  return *static_cast<bool*>(data) ? "    > " : "weir> ";
}

int SqlCommandImpl::Interactive(api::Session& session, std::ostream& out, std::ostream& err) {
  EditLine* el = el_init("weir", stdin, stdout, stderr);
  History* hist = history_init();
  HistEvent ev;
  history(hist, &ev, H_SETSIZE, 1000);
  const char* home = getenv("HOME");
  const std::string history_file = std::string(home != nullptr ? home : ".") + "/.weir_history";
  history(hist, &ev, H_LOAD, history_file.c_str());
  bool continuation = false;
  el_set(el, EL_CLIENTDATA, &continuation);
  el_set(el, EL_PROMPT, &Prompt);
  el_set(el, EL_EDITOR, "emacs");
  el_set(el, EL_HIST, history, hist);
  el_source(el, nullptr);

  out << "weir SQL shell. End statements with ';'. Ctrl-D or 'quit;' leaves.\n";
  std::string buffer;
  bool failed = false;
  while (true) {
    continuation = !buffer.empty();
    int count = 0;
    const char* line = el_gets(el, &count);
    if (line == nullptr || count <= 0) break;
    buffer += line;
    if (!StatementComplete(buffer)) continue;
    std::string trimmed = buffer;
    while (!trimmed.empty() && (trimmed.back() == '\n' || trimmed.back() == ' '))
      trimmed.pop_back();
    history(hist, &ev, H_ENTER, trimmed.c_str());
    if (trimmed == "quit;" || trimmed == "exit;") break;
    failed = !RunScript(session, buffer, out, err) || failed;
    out.flush();
    buffer.clear();
  }
  history(hist, &ev, H_SAVE, history_file.c_str());
  history_end(hist);
  el_end(el);
  out << "\n";
  return failed ? kExitFailure : kExitOk;
}

}  // namespace

std::unique_ptr<SqlCommand> AddSqlCommand(CLI::App& app, const GlobalOptions& global) {
  return std::make_unique<SqlCommandImpl>(app, global);
}

}  // namespace weir::cli
