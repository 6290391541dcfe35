#include "weir/exec/exec_internal.h"

#include <algorithm>
#include <atomic>
#include <cstring>

namespace weir::exec {

int DrainTasks(const PhysicalOperator& op, const ExecContext& ctx, int max_tasks) {
  int threads = max_tasks > 0 ? max_tasks : std::max(1, ctx.pool->num_threads());
  return std::max(1, std::min(threads, op.num_partitions()));
}

Status DrainPartitions(PhysicalOperator& op, ExecContext& ctx,
                       const std::function<Status(int task, Batch batch)>& consume, int* tasks_used,
                       int max_tasks) {
  const int parts = op.num_partitions();
  const int tasks = DrainTasks(op, ctx, max_tasks);
  if (tasks_used != nullptr) *tasks_used = tasks;
  // Tasks pull partitions from a shared counter, so a task's state (a thread-local
  // hash table, say) serves many partitions.
  std::atomic<int> next{0};
  std::atomic<bool> failed{false};
  auto run_task = [&](int t) -> Status {
    while (!failed.load(std::memory_order_relaxed)) {
      int p = next.fetch_add(1);
      if (p >= parts) break;
      Status st = [&]() -> Status {
        ASSIGN_OR_RAISE(BatchStreamPtr stream, op.Execute(ctx, p));
        Batch b;
        while (true) {
          RETURN_NOT_OK(CheckCancelled(ctx));
          ASSIGN_OR_RAISE(bool more, stream->Next(&b));
          if (!more) break;
          if (b.num_rows() > 0) RETURN_NOT_OK(consume(t, std::move(b)));
        }
        return Status::OK();
      }();
      if (!st.ok()) {
        failed.store(true);
        return st;
      }
    }
    return Status::OK();
  };
  // One task runs on the calling thread (no thread wake-ups for a small input).
  if (tasks == 1) return run_task(0);
  TaskGroup group(ctx.pool);
  for (int t = 0; t < tasks; ++t) group.Spawn([&run_task, t] { return run_task(t); });
  return group.Wait();
}

Result<std::vector<Batch>> DrainAll(PhysicalOperator& op, ExecContext& ctx) {
  const int parts = op.num_partitions();
  std::vector<std::vector<Batch>> per(static_cast<size_t>(parts));
  std::atomic<bool> failed{false};
  auto drain = [&](int p) -> Status {
    if (failed.load()) return Status::OK();
    Status st = [&]() -> Status {
      ASSIGN_OR_RAISE(BatchStreamPtr stream, op.Execute(ctx, p));
      Batch b;
      while (true) {
        RETURN_NOT_OK(CheckCancelled(ctx));
        ASSIGN_OR_RAISE(bool more, stream->Next(&b));
        if (!more) break;
        if (b.num_rows() > 0) per[static_cast<size_t>(p)].push_back(std::move(b));
      }
      return Status::OK();
    }();
    if (!st.ok()) failed.store(true);
    return st;
  };
  if (parts == 1) {
    // On the calling thread: no thread wake-ups for a small input.
    RETURN_NOT_OK(drain(0));
  } else {
    TaskGroup group(ctx.pool);
    for (int p = 0; p < parts; ++p) group.Spawn([&drain, p] { return drain(p); });
    RETURN_NOT_OK(group.Wait());
  }
  std::vector<Batch> out;
  for (auto& v : per) {
    for (Batch& b : v) out.push_back(std::move(b));
  }
  return out;
}

ColumnPtr ConcatColumns(const std::vector<ColumnPtr>& columns) {
  WEIR_CHECK(!columns.empty());
  if (columns.size() == 1) return columns[0];
  const DataType& type = columns[0]->type();
  int64_t n = 0;
  bool nulls = false;
  for (const ColumnPtr& c : columns) {
    n += c->length();
    nulls |= c->validity_bits() != nullptr;
  }
  Column::Parts p;
  p.type = type;
  p.length = n;
  if (nulls || type.is_null()) {
    size_t bytes = BitmapWords(n) * 8;
    p.validity = AllocateBuffer(bytes);
    p.validity->Resize(bytes);
    auto* bits = p.validity->as<uint64_t>();
    if (bytes > 0) std::memset(bits, 0, bytes);
    int64_t at = 0;
    for (const ColumnPtr& c : columns) {
      const uint64_t* src = c->validity_bits();
      for (int64_t i = 0; i < c->length(); ++i) {
        if (!type.is_null() && (src == nullptr || GetBit(src, i))) SetBit(bits, at + i);
      }
      at += c->length();
    }
  }
  switch (type.id()) {
    case TypeId::kNull:
      break;
    case TypeId::kStruct:
      for (int f = 0; f < columns[0]->num_children(); ++f) {
        std::vector<ColumnPtr> kids;
        for (const ColumnPtr& c : columns) kids.push_back(c->child(f));
        p.children.push_back(ConcatColumns(kids));
      }
      break;
    case TypeId::kArray:
    case TypeId::kMap: {
      p.values = AllocateBuffer(static_cast<size_t>(n + 1) * sizeof(int32_t));
      p.values->Resize(static_cast<size_t>(n + 1) * sizeof(int32_t));
      int32_t* off = p.values->as<int32_t>();
      int64_t at = 0;
      int32_t base = 0;
      off[0] = 0;
      for (const ColumnPtr& c : columns) {
        const int32_t* src = c->offsets();
        for (int64_t i = 0; i < c->length(); ++i) off[at + i + 1] = base + src[i + 1];
        at += c->length();
        base += static_cast<int32_t>(c->child(0)->length());
      }
      for (int k = 0; k < columns[0]->num_children(); ++k) {
        std::vector<ColumnPtr> kids;
        for (const ColumnPtr& c : columns) kids.push_back(c->child(k));
        p.children.push_back(ConcatColumns(kids));
      }
      break;
    }
    default: {
      const size_t width = static_cast<size_t>(type.byte_width());
      p.values = AllocateBuffer(static_cast<size_t>(n) * width);
      p.values->Resize(static_cast<size_t>(n) * width);
      size_t at = 0;
      for (const ColumnPtr& c : columns) {
        size_t bytes = static_cast<size_t>(c->length()) * width;
        if (bytes > 0) std::memcpy(p.values->data() + at, c->values_buffer()->data(), bytes);
        at += bytes;
        for (const BufferPtr& s : c->string_data()) p.string_data.push_back(s);
      }
      break;
    }
  }
  return Column::Make(std::move(p));
}

Batch ConcatBatches(const SchemaPtr& schema, const std::vector<Batch>& batches) {
  int64_t rows = 0;
  for (const Batch& b : batches) rows += b.num_rows();
  if (schema->num_fields() == 0) return Batch::MakeRowsOnly(rows);
  if (batches.empty()) return Batch::MakeEmpty(schema);
  std::vector<Batch> dense;
  dense.reserve(batches.size());
  for (const Batch& b : batches) dense.push_back(b.Compact());
  std::vector<ColumnPtr> cols;
  for (int c = 0; c < schema->num_fields(); ++c) {
    std::vector<ColumnPtr> parts;
    for (const Batch& b : dense) parts.push_back(b.column(c));
    cols.push_back(ConcatColumns(parts));
  }
  return Batch::Make(schema, std::move(cols)).ValueOrDie();
}

void AppendCell(ColumnBuilder* b, const Column& col, int64_t row) {
  if (col.IsNull(row)) {
    b->AppendNull();
    return;
  }
  switch (col.type().id()) {
    case TypeId::kBoolean:
      static_cast<PrimitiveBuilder<uint8_t>*>(b)->Append(col.Get<uint8_t>(row));
      return;
    case TypeId::kInt32:
    case TypeId::kDate:
      static_cast<Int32Builder*>(b)->Append(col.Get<int32_t>(row));
      return;
    case TypeId::kInt64:
    case TypeId::kTimestamp:
      static_cast<Int64Builder*>(b)->Append(col.Get<int64_t>(row));
      return;
    case TypeId::kDouble:
      static_cast<DoubleBuilder*>(b)->Append(col.Get<double>(row));
      return;
    case TypeId::kDecimal:
      static_cast<DecimalBuilder*>(b)->Append(col.Get<Int128>(row));
      return;
    case TypeId::kInterval:
      static_cast<IntervalBuilder*>(b)->Append(col.Get<Interval>(row));
      return;
    case TypeId::kString:
    case TypeId::kBinary:
      static_cast<StringBuilder*>(b)->Append(col.Get<StringRef>(row).view());
      return;
    default: {
      Status st = b->AppendValue(GetValue(col, row));
      WEIR_CHECK(st.ok());
      return;
    }
  }
}

Batch SliceBatch(const Batch& batch, int64_t begin, int64_t end) {
  if (begin == 0 && end == batch.num_rows() && batch.selection() == nullptr) return batch;
  if (batch.num_columns() == 0) return Batch::MakeRowsOnly(end - begin);
  std::vector<uint32_t> idx(static_cast<size_t>(end - begin));
  for (int64_t i = begin; i < end; ++i)
    idx[static_cast<size_t>(i - begin)] = static_cast<uint32_t>(batch.RowIndex(i));
  std::vector<ColumnPtr> cols;
  for (const ColumnPtr& c : batch.columns()) cols.push_back(c->Take(idx.data(), end - begin));
  return Batch::Make(batch.schema(), std::move(cols)).ValueOrDie();
}

std::vector<Batch> SplitBatch(const Batch& batch) {
  std::vector<Batch> out;
  const int64_t n = batch.num_rows();
  if (n <= kDefaultBatchRows) {
    if (n > 0) out.push_back(batch);
    return out;
  }
  for (int64_t s = 0; s < n; s += kDefaultBatchRows) {
    out.push_back(SliceBatch(batch, s, std::min(n, s + kDefaultBatchRows)));
  }
  return out;
}

Result<std::vector<Datum>> EvalAll(const std::vector<ExprPtr>& exprs, EvalContext& ectx,
                                   const Batch& batch) {
  std::vector<Datum> out;
  out.reserve(exprs.size());
  RowSet rows = RowSet::Of(batch);
  for (const ExprPtr& e : exprs) {
    ASSIGN_OR_RAISE(Datum d, e->Eval(ectx, batch, rows));
    out.push_back(std::move(d));
  }
  return out;
}

SchemaPtr SchemaOfExprs(const std::vector<ExprPtr>& exprs, const std::string& prefix) {
  std::vector<Field> fields;
  for (size_t i = 0; i < exprs.size(); ++i) {
    fields.push_back({prefix + std::to_string(i), exprs[i]->type(), true});
  }
  return MakeSchema(std::move(fields));
}

std::string ExprList(const std::vector<ExprPtr>& exprs) {
  std::string out;
  for (size_t i = 0; i < exprs.size(); ++i) {
    if (i > 0) out += ", ";
    out += exprs[i]->ToString();
  }
  return out;
}

Status ProcessWholePartitions(PhysicalOperator& child, ExecContext& ctx,
                              const std::function<Result<Batch>(Batch)>& process,
                              std::vector<std::shared_ptr<const std::vector<Batch>>>* outputs) {
  const int n = child.num_partitions();
  outputs->assign(static_cast<size_t>(n), nullptr);
  TaskGroup group(ctx.pool);
  for (int p = 0; p < n; ++p) {
    group.Spawn([&, p]() -> Status {
      std::vector<Batch> in;
      ASSIGN_OR_RAISE(BatchStreamPtr s, child.Execute(ctx, p));
      Batch b;
      while (true) {
        RETURN_NOT_OK(CheckCancelled(ctx));
        ASSIGN_OR_RAISE(bool more, s->Next(&b));
        if (!more) break;
        if (b.num_rows() > 0) in.push_back(std::move(b));
      }
      auto out = std::make_shared<std::vector<Batch>>();
      if (!in.empty()) {
        ASSIGN_OR_RAISE(Batch result, process(ConcatBatches(child.schema(), in)));
        *out = SplitBatch(result);
      }
      (*outputs)[static_cast<size_t>(p)] = std::move(out);
      return Status::OK();
    });
  }
  return group.Wait();
}

}  // namespace weir::exec
