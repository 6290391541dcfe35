// Column resolution: `a`, `t.a`, struct fields `s.f` / `t.s.f`, correlated
// references to the enclosing query, and the AMBIGUOUS_REFERENCE /
// UNRESOLVED_COLUMN errors with Spark's suggestions.

#include <algorithm>

#include "weir/functions/registry.h"
#include "weir/plan/binder_internal.h"

namespace weir::plan::internal {

using sql::SqlExpr;

namespace {

int Levenshtein(std::string_view a, std::string_view b) {
  std::vector<int> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = static_cast<int>(j);
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = static_cast<int>(i);
    for (size_t j = 1; j <= b.size(); ++j) {
      const int sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string QualifiedName(const ColumnInfo& c) {
  return c.qualifier.empty() ? QuoteId(c.name) : QuoteId(c.qualifier) + "." + QuoteId(c.name);
}

Status Ambiguous(const std::vector<std::string>& parts, const std::vector<ColumnInfo>& columns,
                 const std::vector<int>& matches, SourcePosition pos) {
  std::string list;
  for (size_t i = 0; i < matches.size(); ++i) {
    if (i > 0) list += ", ";
    list += QualifiedName(columns[static_cast<size_t>(matches[i])]);
  }
  return SqlError("[AMBIGUOUS_REFERENCE] Reference " + QuoteId(parts) +
                      " is ambiguous, could be: [" + list + "].",
                  pos);
}

}  // namespace

// Column resolution -------------------------------------------------------------

Result<std::optional<ExprBinder::ColumnMatch>> ExprBinder::MatchColumn(
    const std::vector<ColumnInfo>& columns, const std::vector<std::string>& parts,
    SourcePosition pos) {
  if (parts.empty()) return std::optional<ColumnMatch>();
  // Spark tries the qualified reading (t.a) first, then the plain one (a, with the
  // rest as struct fields).
  if (parts.size() >= 2) {
    std::vector<int> visible, hidden;
    for (size_t i = 0; i < columns.size(); ++i) {
      const ColumnInfo& c = columns[i];
      if (c.internal || c.qualifier.empty()) continue;
      if (EqualsIgnoreCase(c.qualifier, parts[0]) && EqualsIgnoreCase(c.name, parts[1])) {
        (c.qualified_only ? hidden : visible).push_back(static_cast<int>(i));
      }
    }
    const std::vector<int>& m = visible.empty() ? hidden : visible;
    if (m.size() > 1) return Ambiguous({parts[0], parts[1]}, columns, m, pos);
    if (m.size() == 1) return std::optional<ColumnMatch>(ColumnMatch{m[0], 2});
  }
  std::vector<int> m;
  for (size_t i = 0; i < columns.size(); ++i) {
    const ColumnInfo& c = columns[i];
    if (c.internal || c.qualified_only) continue;
    if (EqualsIgnoreCase(c.name, parts[0])) m.push_back(static_cast<int>(i));
  }
  if (m.size() > 1) return Ambiguous({parts[0]}, columns, m, pos);
  if (m.size() == 1) return std::optional<ColumnMatch>(ColumnMatch{m[0], 1});
  return std::optional<ColumnMatch>();
}

// Struct field access on `base` for parts[from..].
Result<ExprPtr> ApplyFields(ExprPtr base, const std::vector<std::string>& parts, size_t from,
                            SourcePosition pos) {
  for (size_t i = from; i < parts.size(); ++i) {
    if (base->type().id() != TypeId::kStruct) {
      return SqlError("[INVALID_EXTRACT_BASE_FIELD_TYPE] Can't extract a value from \"" +
                          base->ToString() +
                          "\". Need a complex type [STRUCT, ARRAY, MAP] but got " +
                          QuoteType(base->type()) + ".",
                      pos);
    }
    const auto& fields = base->type().fields();
    int found = -1;
    for (size_t f = 0; f < fields.size(); ++f) {
      if (EqualsIgnoreCase(fields[f].name, parts[i])) {
        found = static_cast<int>(f);
        break;
      }
    }
    if (found < 0) {
      std::string names;
      std::vector<std::string> candidates;
      for (size_t f = 0; f < fields.size(); ++f) {
        if (f > 0) names += ", ";
        names += QuoteId(fields[f].name);
        candidates.push_back(fields[f].name);
      }
      std::string hint;
      if (auto close = ClosestName(parts[i], candidates)) hint = "did you mean '" + *close + "'?";
      return SqlError(
          "[FIELD_NOT_FOUND] No such struct field " + QuoteId(parts[i]) + " in " + names + ".", pos,
          hint);
    }
    base = std::make_shared<GetFieldExpr>(std::move(base), found);
  }
  return base;
}

Result<ExprPtr> ExprBinder::ColumnWithFields(const std::vector<ColumnInfo>& columns, int index,
                                             const std::vector<std::string>& parts, size_t consumed,
                                             SourcePosition pos) {
  const ColumnInfo& c = columns[static_cast<size_t>(index)];
  return ApplyFields(ColumnRef(index, c.name, c.type, c.nullable), parts, consumed, pos);
}

Status ExprBinder::UnresolvedColumn(const std::vector<std::string>& parts,
                                    const std::vector<ColumnInfo>& columns, SourcePosition pos) {
  std::vector<std::string> names;
  std::vector<std::string> seen;
  for (const ColumnInfo& c : columns) {
    if (c.internal || c.qualified_only) continue;
    if (std::find(seen.begin(), seen.end(), c.name) != seen.end()) continue;
    seen.push_back(c.name);
    names.push_back(c.name);
  }
  const std::string& wanted = parts.back();
  if (names.empty()) {
    return SqlError(
        "[UNRESOLVED_COLUMN.WITHOUT_SUGGESTION] A column or function parameter with "
        "name " +
            QuoteId(parts) + " cannot be resolved.",
        pos);
  }
  // Spark orders the candidates by edit distance and shows the closest five.
  std::vector<std::string> ordered = names;
  const std::string lower = AsciiLower(wanted);
  std::stable_sort(ordered.begin(), ordered.end(), [&](const std::string& a, const std::string& b) {
    return Levenshtein(lower, AsciiLower(a)) < Levenshtein(lower, AsciiLower(b));
  });
  if (ordered.size() > 5) ordered.resize(5);
  std::string list;
  for (size_t i = 0; i < ordered.size(); ++i) {
    if (i > 0) list += ", ";
    list += QuoteId(ordered[i]);
  }
  std::string hint;
  std::vector<std::string> lowered;
  for (const std::string& n : names) lowered.push_back(AsciiLower(n));
  if (auto close = ClosestName(lower, lowered)) {
    for (const std::string& n : names) {
      if (AsciiLower(n) == *close) hint = "did you mean '" + n + "'?";
    }
  }
  return SqlError("[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column or function parameter with name " +
                      QuoteId(parts) + " cannot be resolved. Did you mean one of the following? [" +
                      list + "].",
                  pos, hint);
}

Result<ExprPtr> ExprBinder::BindColumn(const SqlExpr& e) {
  ASSIGN_OR_RAISE(auto m, MatchColumn(input_->columns, e.names, e.position));
  if (m) return ColumnWithFields(input_->columns, m->index, e.names, m->consumed, e.position);
  // A correlated reference to the enclosing query.
  if (outer_ != nullptr && outer_->columns != nullptr) {
    ASSIGN_OR_RAISE(auto om, MatchColumn(*outer_->columns, e.names, e.position));
    if (om) {
      const ColumnInfo& c = (*outer_->columns)[static_cast<size_t>(om->index)];
      ExprPtr ref = std::make_shared<BinderRefExpr>(BinderRefExpr::RefKind::kOuter, om->index,
                                                    c.name, c.type, c.nullable);
      return ApplyFields(std::move(ref), e.names, om->consumed, e.position);
    }
    for (const OuterScope* s = outer_->parent; s != nullptr; s = s->parent) {
      if (s->columns == nullptr) continue;
      ASSIGN_OR_RAISE(auto dm, MatchColumn(*s->columns, e.names, e.position));
      if (dm) {
        return Status::Unsupported(
                   "[UNSUPPORTED_SUBQUERY_EXPRESSION_CATEGORY.CORRELATED_REFERENCE] A subquery "
                   "references " +
                   QuoteId(e.names) +
                   " of a query more than one level out; weir supports correlation with the "
                   "immediately enclosing query only.")
            .WithPosition(e.position);
      }
    }
  }
  if (alias_columns_ != nullptr && e.names.size() == 1) {
    for (size_t i = 0; i < alias_items_->size(); ++i) {
      if (EqualsIgnoreCase((*alias_columns_)[i].name, e.names[0])) return (*alias_items_)[i];
    }
  }
  return UnresolvedColumn(e.names, input_->columns, e.position);
}

}  // namespace weir::plan::internal
