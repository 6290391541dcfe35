// Operators that work batch by batch inside their input's partitions: Scan, Values,
// Project, Filter, Expand, Generate.

#include <algorithm>
#include <memory>

#include "weir/exec/exec_internal.h"
#include "weir/exec/operators.h"
#include "weir/exec/subexpressions.h"

namespace weir::exec {

namespace {

// Makes a batch of `schema` from `columns`; a schema without fields gives a
// rows-only batch of `rows` rows.
Result<Batch> MakeOutput(const SchemaPtr& schema, std::vector<ColumnPtr> columns, int64_t rows,
                         SelectionPtr selection = nullptr) {
  if (schema->num_fields() == 0) {
    return Batch::MakeRowsOnly(selection ? selection->size() : rows);
  }
  return Batch::Make(schema, std::move(columns), std::move(selection));
}

// ---- Scan -------------------------------------------------------------------------

class ScanStream final : public BatchStream {
 public:
  explicit ScanStream(plan::BatchReaderPtr reader) : reader_(std::move(reader)) {}
  Result<bool> Next(Batch* out) override { return reader_->Next(out); }

 private:
  plan::BatchReaderPtr reader_;
};

class ScanOp final : public PhysicalOperator {
 public:
  ScanOp(SchemaPtr schema, plan::TableProviderPtr table, std::vector<int> columns)
      : PhysicalOperator(std::move(schema), {}),
        table_(std::move(table)),
        columns_(std::move(columns)) {}
  int num_partitions() const override { return table_->NumPartitions(); }
  Result<BatchStreamPtr> Execute(ExecContext&, int partition) override {
    ASSIGN_OR_RAISE(plan::BatchReaderPtr reader, table_->Open(partition, columns_));
    return BatchStreamPtr(std::make_unique<ScanStream>(std::move(reader)));
  }
  std::string Describe() const override {
    std::string cols;
    for (int i = 0; i < schema()->num_fields(); ++i) {
      cols += (i > 0 ? ", " : "") + schema()->field(i).name;
    }
    return "Scan " + table_->Describe() + " [" + cols + "]";
  }

 private:
  plan::TableProviderPtr table_;
  std::vector<int> columns_;
};

// ---- Values -----------------------------------------------------------------------

class ValuesOp final : public PhysicalOperator {
 public:
  ValuesOp(SchemaPtr schema, std::vector<std::vector<Value>> rows)
      : PhysicalOperator(std::move(schema), {}), rows_(std::move(rows)) {}
  int num_partitions() const override { return 1; }
  Result<BatchStreamPtr> Execute(ExecContext&, int) override {
    auto batches = std::make_shared<std::vector<Batch>>();
    if (schema()->num_fields() == 0) {
      batches->push_back(Batch::MakeRowsOnly(static_cast<int64_t>(rows_.size())));
    } else {
      BatchBuilder builder(schema());
      for (const auto& row : rows_) RETURN_NOT_OK(builder.AppendRow(row));
      ASSIGN_OR_RAISE(Batch b, builder.Finish());
      *batches = SplitBatch(b);
    }
    return BatchStreamPtr(std::make_unique<VectorStream>(std::move(batches)));
  }
  std::string Describe() const override {
    return "LocalTableScan [" + std::to_string(rows_.size()) + " rows]";
  }

 private:
  std::vector<std::vector<Value>> rows_;
};

// ---- Project / Filter -------------------------------------------------------------

// A stream that maps each input batch through `fn` (which may return an empty batch).
template <typename Fn>
class MapStream final : public BatchStream {
 public:
  MapStream(BatchStreamPtr input, ExecContext& ctx, Fn fn)
      : input_(std::move(input)), ctx_(ctx), ectx_(ctx.eval), fn_(std::move(fn)) {}
  Result<bool> Next(Batch* out) override {
    while (true) {
      RETURN_NOT_OK(CheckCancelled(ctx_));
      ASSIGN_OR_RAISE(bool more, input_->Next(&in_));
      if (!more) return false;
      if (in_.num_rows() == 0) continue;
      ASSIGN_OR_RAISE(*out, fn_(ectx_, in_));
      if (out->num_rows() > 0) return true;
    }
  }

 private:
  BatchStreamPtr input_;
  ExecContext& ctx_;
  EvalContext ectx_;
  Fn fn_;
  // The input batch, a member so that Next does not construct an empty Batch (whose
  // schema is an allocation) per batch.
  Batch in_;
};

template <typename Fn>
BatchStreamPtr MakeMapStream(BatchStreamPtr input, ExecContext& ctx, Fn fn) {
  return std::make_unique<MapStream<Fn>>(std::move(input), ctx, std::move(fn));
}

class ProjectOp final : public PhysicalOperator {
 public:
  ProjectOp(PhysicalOperatorPtr child, std::vector<ExprPtr> exprs, SchemaPtr schema)
      : PhysicalOperator(std::move(schema), {std::move(child)}), exprs_(std::move(exprs)) {
    const SchemaPtr& in = children()[0]->schema();
    hoisted_ = HoistCommonSubexpressions(exprs_, in->num_fields());
    if (!hoisted_.common.empty()) {
      std::vector<Field> fields = in->fields();
      for (size_t k = 0; k < hoisted_.common.size(); ++k) {
        const ExprPtr& e = hoisted_.common[k];
        fields.push_back(Field{"_common" + std::to_string(k), e->type(), e->nullable()});
      }
      widened_ = MakeSchema(std::move(fields));
    }
  }
  int num_partitions() const override { return children()[0]->num_partitions(); }
  Result<BatchStreamPtr> Execute(ExecContext& ctx, int p) override {
    ASSIGN_OR_RAISE(BatchStreamPtr in, children()[0]->Execute(ctx, p));
    return MakeMapStream(std::move(in), ctx,
                         [this](EvalContext& ectx, const Batch& b) { return Apply(ectx, b); });
  }
  std::string Describe() const override {
    std::string out = "Project [";
    for (size_t i = 0; i < exprs_.size(); ++i) {
      const std::string& name = schema()->field(static_cast<int>(i)).name;
      std::string e = exprs_[i]->ToString();
      out += (i > 0 ? ", " : "") + (e == name ? e : e + " AS " + name);
    }
    return out + "]";
  }

 private:
  Result<Batch> Apply(EvalContext& ectx, const Batch& b) const {
    // Columns keep the batch's selection: expressions only compute its rows.
    RowSet rows = RowSet::Of(b);
    if (hoisted_.common.empty()) return Evaluate(ectx, exprs_, b, rows);
    // Repeated subexpressions first, as extra columns of the input.
    std::vector<ColumnPtr> widened = b.columns();
    for (const ExprPtr& e : hoisted_.common) {
      ASSIGN_OR_RAISE(Datum d, e->Eval(ectx, b, rows));
      widened.push_back(d.is_constant() ? d.Materialize(b.physical_rows()) : d.column());
    }
    ASSIGN_OR_RAISE(Batch wide, Batch::Make(widened_, std::move(widened), b.selection()));
    return Evaluate(ectx, hoisted_.rewritten, wide, rows);
  }

  Result<Batch> Evaluate(EvalContext& ectx, const std::vector<ExprPtr>& exprs, const Batch& b,
                         const RowSet& rows) const {
    std::vector<ColumnPtr> cols;
    cols.reserve(exprs.size());
    for (const ExprPtr& e : exprs) {
      ASSIGN_OR_RAISE(Datum d, e->Eval(ectx, b, rows));
      cols.push_back(d.is_constant() ? d.Materialize(b.physical_rows()) : d.column());
    }
    return MakeOutput(schema(), std::move(cols), b.num_rows(), b.selection());
  }

  std::vector<ExprPtr> exprs_;
  // Subexpressions that the list repeats, computed once per batch (subexpressions.h).
  HoistedExpressions hoisted_;
  SchemaPtr widened_;  // the input's schema plus a column per common subexpression
};

class FilterOp final : public PhysicalOperator {
 public:
  FilterOp(PhysicalOperatorPtr child, ExprPtr predicate)
      : PhysicalOperator(child->schema(), {child}), predicate_(std::move(predicate)) {}
  // A filter that also outputs `common` (computed over every input row, before the
  // predicate, which reads them through `predicate`'s references to the columns
  // after the input's): the subexpressions it shares with the projection above it
  // (HoistFilterSubexpressions).
  FilterOp(PhysicalOperatorPtr child, ExprPtr predicate, std::vector<ExprPtr> common,
           SchemaPtr widened)
      : PhysicalOperator(std::move(widened), {std::move(child)}),
        predicate_(std::move(predicate)),
        common_(std::move(common)) {}

  int num_partitions() const override { return children()[0]->num_partitions(); }
  Result<BatchStreamPtr> Execute(ExecContext& ctx, int p) override {
    ASSIGN_OR_RAISE(BatchStreamPtr in, children()[0]->Execute(ctx, p));
    return MakeMapStream(std::move(in), ctx,
                         [this](EvalContext& ectx, const Batch& b) { return Apply(ectx, b); });
  }
  std::string Describe() const override {
    std::string out = "Filter " + predicate_->ToString();
    for (size_t k = 0; k < common_.size(); ++k) {
      out += (k == 0 ? " computing [" : ", ") + common_[k]->ToString() + " AS _common" +
             std::to_string(k);
    }
    return common_.empty() ? out : out + "]";
  }

  const ExprPtr& predicate() const { return predicate_; }
  bool computes_common() const { return !common_.empty(); }

 private:
  Result<Batch> Apply(EvalContext& ectx, const Batch& b) const {
    if (!common_.empty()) return ApplyWidened(ectx, b);
    ASSIGN_OR_RAISE(SelectionVector sel, EvaluateFilter(*predicate_, ectx, b));
    if (sel.size() == b.num_rows()) return b;
    if (b.num_columns() == 0) return Batch::MakeRowsOnly(sel.size());
    return Batch::Make(b.schema(), b.columns(),
                       std::make_shared<const SelectionVector>(std::move(sel)));
  }

  Result<Batch> ApplyWidened(EvalContext& ectx, const Batch& b) const {
    const RowSet rows = RowSet::Of(b);
    std::vector<ColumnPtr> widened = b.columns();
    for (const ExprPtr& e : common_) {
      ASSIGN_OR_RAISE(Datum d, e->Eval(ectx, b, rows));
      widened.push_back(d.is_constant() ? d.Materialize(b.physical_rows()) : d.column());
    }
    ASSIGN_OR_RAISE(Batch wide, Batch::Make(schema(), std::move(widened), b.selection()));
    ASSIGN_OR_RAISE(SelectionVector sel, EvaluateFilter(*predicate_, ectx, wide));
    if (sel.size() == wide.num_rows()) return wide;
    return Batch::Make(schema(), wide.columns(),
                       std::make_shared<const SelectionVector>(std::move(sel)));
  }

  ExprPtr predicate_;
  std::vector<ExprPtr> common_;  // empty: the plain filter
};

// ---- Expand -----------------------------------------------------------------------

class ExpandStream final : public BatchStream {
 public:
  ExpandStream(BatchStreamPtr input, ExecContext& ctx, const PhysicalOperator* op,
               const std::vector<std::vector<ExprPtr>>* projections)
      : input_(std::move(input)), ctx_(ctx), ectx_(ctx.eval), op_(op), projections_(projections) {}
  Result<bool> Next(Batch* out) override {
    while (true) {
      if (next_ < projections_->size() && current_.num_rows() > 0) {
        const auto& exprs = (*projections_)[next_++];
        RowSet rows = RowSet::Of(current_);
        std::vector<ColumnPtr> cols;
        for (const ExprPtr& e : exprs) {
          ASSIGN_OR_RAISE(Datum d, e->Eval(ectx_, current_, rows));
          cols.push_back(d.is_constant() ? d.Materialize(current_.physical_rows()) : d.column());
        }
        ASSIGN_OR_RAISE(*out, MakeOutput(op_->schema(), std::move(cols), current_.num_rows(),
                                         current_.selection()));
        return true;
      }
      RETURN_NOT_OK(CheckCancelled(ctx_));
      ASSIGN_OR_RAISE(bool more, input_->Next(&current_));
      if (!more) return false;
      next_ = 0;
    }
  }

 private:
  BatchStreamPtr input_;
  ExecContext& ctx_;
  EvalContext ectx_;
  const PhysicalOperator* op_;
  const std::vector<std::vector<ExprPtr>>* projections_;
  Batch current_;
  size_t next_ = 0;
};

class ExpandOp final : public PhysicalOperator {
 public:
  ExpandOp(PhysicalOperatorPtr child, std::vector<std::vector<ExprPtr>> projections,
           SchemaPtr schema)
      : PhysicalOperator(std::move(schema), {std::move(child)}),
        projections_(std::move(projections)) {}
  int num_partitions() const override { return children()[0]->num_partitions(); }
  Result<BatchStreamPtr> Execute(ExecContext& ctx, int p) override {
    ASSIGN_OR_RAISE(BatchStreamPtr in, children()[0]->Execute(ctx, p));
    return BatchStreamPtr(std::make_unique<ExpandStream>(std::move(in), ctx, this, &projections_));
  }
  std::string Describe() const override {
    std::string out = "Expand [";
    for (size_t i = 0; i < projections_.size(); ++i) {
      out += (i > 0 ? ", [" : "[") + ExprList(projections_[i]) + "]";
    }
    return out + "]";
  }

 private:
  std::vector<std::vector<ExprPtr>> projections_;
};

// ---- Generate ---------------------------------------------------------------------

class GenerateOp final : public PhysicalOperator {
 public:
  GenerateOp(PhysicalOperatorPtr child, GeneratorPtr generator, std::vector<ExprPtr> args,
             bool outer, std::vector<int> forwarded, SchemaPtr schema)
      : PhysicalOperator(std::move(schema), {std::move(child)}),
        generator_(std::move(generator)),
        args_(std::move(args)),
        outer_(outer),
        forwarded_(std::move(forwarded)) {}
  int num_partitions() const override { return children()[0]->num_partitions(); }
  Result<BatchStreamPtr> Execute(ExecContext& ctx, int p) override {
    ASSIGN_OR_RAISE(BatchStreamPtr in, children()[0]->Execute(ctx, p));
    return MakeMapStream(std::move(in), ctx,
                         [this](EvalContext& ectx, const Batch& b) { return Apply(ectx, b); });
  }
  std::string Describe() const override {
    std::string out = std::string("Generate ") + (outer_ ? "outer " : "") + generator_->name() +
                      "(" + ExprList(args_) + ")";
    const Schema& in = *children()[0]->schema();
    bool all = static_cast<int>(forwarded_.size()) == in.num_fields();
    for (size_t i = 0; all && i < forwarded_.size(); ++i) {
      all = forwarded_[i] == static_cast<int>(i);
    }
    if (!all) {
      out += ", forwards [";
      for (size_t i = 0; i < forwarded_.size(); ++i) {
        out += (i > 0 ? ", " : "") + in.field(forwarded_[i]).name;
      }
      out += "]";
    }
    return out;
  }

 private:
  Result<Batch> Apply(EvalContext& ectx, const Batch& b) const {
    ASSIGN_OR_RAISE(std::vector<Datum> args, EvalAll(args_, ectx, b));
    RowSet rows = RowSet::Of(b);
    ASSIGN_OR_RAISE(GeneratorOutput gen, generator_->Generate(ectx, args, rows));
    std::vector<uint32_t> input_rows = std::move(gen.input_rows);
    std::vector<ColumnPtr> gen_cols = std::move(gen.columns);
    // Only the forwarded child columns are copied into each generated row.
    const auto child_cols = static_cast<int>(forwarded_.size());
    const int gen_width = schema()->num_fields() - child_cols;
    if (outer_) {
      // Input rows that generated nothing still give one row, NULLs generated.
      std::vector<uint32_t> all_rows;
      std::vector<int64_t> gen_index;  // -1: a NULL row
      size_t k = 0;
      rows.ForEach([&](int64_t i) {
        bool any = false;
        while (k < input_rows.size() && input_rows[k] == static_cast<uint32_t>(i)) {
          all_rows.push_back(input_rows[k]);
          gen_index.push_back(static_cast<int64_t>(k));
          ++k;
          any = true;
        }
        if (!any) {
          all_rows.push_back(static_cast<uint32_t>(i));
          gen_index.push_back(-1);
        }
      });
      if (all_rows.size() != input_rows.size()) {
        std::vector<ColumnPtr> padded;
        for (int c = 0; c < gen_width; ++c) {
          const DataType& t = schema()->field(child_cols + c).type;
          std::unique_ptr<ColumnBuilder> builder = MakeBuilder(t);
          for (int64_t g : gen_index) {
            if (g < 0 || static_cast<size_t>(c) >= gen_cols.size()) {
              builder->AppendNull();
            } else {
              AppendCell(builder.get(), *gen_cols[static_cast<size_t>(c)], g);
            }
          }
          padded.push_back(builder->Finish());
        }
        gen_cols = std::move(padded);
        input_rows = std::move(all_rows);
      }
    }
    const auto n = static_cast<int64_t>(input_rows.size());
    std::vector<ColumnPtr> cols;
    for (int c : forwarded_) cols.push_back(b.column(c)->Take(input_rows.data(), n));
    for (ColumnPtr& c : gen_cols) cols.push_back(std::move(c));
    return MakeOutput(schema(), std::move(cols), n);
  }

  GeneratorPtr generator_;
  std::vector<ExprPtr> args_;
  bool outer_;
  std::vector<int> forwarded_;  // child columns copied into the output, in order
};

}  // namespace

PhysicalOperatorPtr MakeScan(SchemaPtr schema, plan::TableProviderPtr table,
                             std::vector<int> columns) {
  return std::make_shared<ScanOp>(std::move(schema), std::move(table), std::move(columns));
}

PhysicalOperatorPtr MakeValues(SchemaPtr schema, std::vector<std::vector<Value>> rows) {
  return std::make_shared<ValuesOp>(std::move(schema), std::move(rows));
}

PhysicalOperatorPtr MakeProject(PhysicalOperatorPtr child, std::vector<ExprPtr> exprs,
                                SchemaPtr schema) {
  // Over a filter, what the projection repeats of what the predicate always
  // evaluates is computed once, by the filter (Nexmark q21's regexp_extract).
  if (const auto* filter = dynamic_cast<const FilterOp*>(child.get());
      filter != nullptr && !filter->computes_common()) {
    const PhysicalOperatorPtr& input = filter->children()[0];
    const int n = input->schema()->num_fields();
    HoistedExpressions shared = HoistFilterSubexpressions(filter->predicate(), exprs, n);
    if (!shared.common.empty()) {
      std::vector<Field> fields = input->schema()->fields();
      for (size_t k = 0; k < shared.common.size(); ++k) {
        const ExprPtr& e = shared.common[k];
        fields.push_back(Field{"_common" + std::to_string(k), e->type(), e->nullable()});
      }
      auto widened = std::make_shared<FilterOp>(input, shared.rewritten[0], shared.common,
                                                MakeSchema(std::move(fields)));
      std::vector<ExprPtr> rewritten(shared.rewritten.begin() + 1, shared.rewritten.end());
      return std::make_shared<ProjectOp>(std::move(widened), std::move(rewritten),
                                         std::move(schema));
    }
  }
  return std::make_shared<ProjectOp>(std::move(child), std::move(exprs), std::move(schema));
}

PhysicalOperatorPtr MakeFilter(PhysicalOperatorPtr child, ExprPtr predicate) {
  return std::make_shared<FilterOp>(std::move(child), std::move(predicate));
}

PhysicalOperatorPtr MakeExpand(PhysicalOperatorPtr child,
                               std::vector<std::vector<ExprPtr>> projections, SchemaPtr schema) {
  return std::make_shared<ExpandOp>(std::move(child), std::move(projections), std::move(schema));
}

PhysicalOperatorPtr MakeGenerate(PhysicalOperatorPtr child, GeneratorPtr generator,
                                 std::vector<ExprPtr> args, bool outer, std::vector<int> forwarded,
                                 SchemaPtr schema) {
  return std::make_shared<GenerateOp>(std::move(child), std::move(generator), std::move(args),
                                      outer, std::move(forwarded), std::move(schema));
}

}  // namespace weir::exec
