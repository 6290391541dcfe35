// Hash join, every join type; a nested-loop join is the same operator with no keys.
//
// Strategy: broadcast hash join. Prepare materializes the right (build) input once
// into one dense batch, evaluates its keys and groups its rows by key in a
// GroupTable (rows of a group are contiguous in `build_order_`). The table is then
// read-only and every partition of the left (probe) input probes it concurrently.
// Rows with a NULL in a non-null-safe key never match and are not in the table.
//
// Candidate pairs are produced in chunks of kDefaultBatchRows; a residual predicate
// (the non-equality part of the condition) is evaluated on each chunk of pairs as a
// batch of left ++ right columns. Left outer, semi and anti joins decide per probe
// row after all of its candidates; right and full outer joins mark matched build
// rows in an array of atomic flags, and the probe partition that finishes last emits
// the build rows never matched (no task waits for another).
//
// Null-aware anti join (NOT IN): a probe row qualifies unless some build row B passes
// the residual and either B's key equals its key, or one of the two keys is NULL.
// Without a residual that is Spark's rule: a NULL build key removes every row; a NULL
// probe key qualifies only when the build side is empty.
//
// Existence join: every probe row once, plus a BOOLEAN. Without IN's comparison
// (EXISTS) it is a semi join's decision. With it (`x IN (subquery)` anywhere), the
// keys are the correlation's followed by the comparison's ("mark" keys) and the
// value is three-valued. Build rows with a NULL correlation key never count; those
// with a NULL mark key are kept aside (null_rows_); the rest are grouped by all
// keys as usual. The counting rows are also grouped by the correlation keys alone
// (one group of all rows without correlation keys). A probe row is
//   TRUE  when its full-key group has a row passing the residual;
//   NULL  otherwise, when a row of its correlation group passes the residual and
//         compares NULL: candidates are the whole correlation group when a probe
//         mark key is NULL, else the group's rows with a NULL mark key;
//   FALSE otherwise (no counting rows at all included).
// With one mark key and no residual that needs no pairs: a NULL probe key or a
// NULL in its correlation group means NULL. Several mark keys compare per pair
// (`(1, 2) IN ((1, NULL))` is NULL but `(1, 2) IN ((3, NULL))` is FALSE).

#include <algorithm>
#include <atomic>
#include <memory>

#include "weir/exec/exec_internal.h"
#include "weir/exec/group_table.h"
#include "weir/exec/operators.h"

namespace weir::exec {

namespace {

using plan::JoinType;

struct Span {
  const uint32_t* rows = nullptr;
  uint32_t size = 0;
};

class HashJoinOp final : public PhysicalOperator {
 public:
  HashJoinOp(PhysicalOperatorPtr left, PhysicalOperatorPtr right, JoinSpec spec, SchemaPtr schema)
      : PhysicalOperator(std::move(schema), {std::move(left), std::move(right)}),
        spec_(std::move(spec)) {
    for (const JoinKey& k : spec_.keys) {
      left_keys_.push_back(k.left);
      right_keys_.push_back(k.right);
      key_types_.push_back(k.left->type());
    }
    const JoinType t = spec_.type;
    emit_pairs_ = t == JoinType::kInner || t == JoinType::kCross || t == JoinType::kLeftOuter ||
                  t == JoinType::kRightOuter || t == JoinType::kFullOuter;
    track_build_ = t == JoinType::kRightOuter || t == JoinType::kFullOuter;
    keep_unmatched_probe_ = t == JoinType::kLeftOuter || t == JoinType::kFullOuter;
    existence_ = t == JoinType::kExistence;
    num_mark_ = spec_.num_mark_keys;
    num_corr_ = static_cast<int>(spec_.keys.size()) - num_mark_;
    for (int k = 0; k < num_corr_; ++k) corr_types_.push_back(key_types_[static_cast<size_t>(k)]);
  }

  int num_partitions() const override { return children()[0]->num_partitions(); }

  Status Prepare(ExecContext& ctx) override;
  Result<BatchStreamPtr> Execute(ExecContext& ctx, int p) override;

  std::string Describe() const override {
    std::string out = spec_.keys.empty() ? "BroadcastNestedLoopJoin " : "BroadcastHashJoin ";
    out += std::string(sql::JoinTypeName(spec_.type));
    if (!spec_.keys.empty()) {
      std::string l, r;
      for (size_t i = 0; i < spec_.keys.size(); ++i) {
        l += (i > 0 ? ", " : "") + spec_.keys[i].left->ToString();
        r += (i > 0 ? ", " : "") + spec_.keys[i].right->ToString();
      }
      out += " [" + l + "], [" + r + "]";
    }
    if (spec_.residual) out += ", " + spec_.residual->ToString();
    if (spec_.null_aware) out += ", null-aware";
    if (spec_.mark) out += ", mark " + spec_.mark->ToString();
    return out;
  }

 private:
  friend class JoinStream;

  // The build rows that are candidates for probe row i (see the file comment).
  void Candidates(uint32_t gid, bool probe_key_null, Span* a, Span* b) const {
    *a = Span{};
    *b = Span{};
    if (spec_.keys.empty()) {
      *a = Span{all_rows_.data(), static_cast<uint32_t>(all_rows_.size())};
      return;
    }
    if (spec_.null_aware && spec_.type == JoinType::kLeftAnti) {
      if (probe_key_null) {
        *a = Span{all_rows_.data(), static_cast<uint32_t>(all_rows_.size())};
        return;
      }
      *b = Span{null_rows_.data(), static_cast<uint32_t>(null_rows_.size())};
    }
    if (gid != kNoGroup) {
      *a = Span{build_order_.data() + group_start_[gid], group_start_[gid + 1] - group_start_[gid]};
    }
  }

  // Existence join with mark keys: the TRUE candidates (full-key group `gid`) in *a,
  // the NULL candidates of correlation group `cgid` in *b.
  void MarkCandidates(uint32_t gid, uint32_t cgid, bool probe_mark_null, Span* a, Span* b) const {
    *a = Span{};
    *b = Span{};
    if (gid != kNoGroup) {
      *a = Span{build_order_.data() + group_start_[gid], group_start_[gid + 1] - group_start_[gid]};
    }
    if (cgid == kNoGroup) return;
    const std::vector<uint32_t>& start = probe_mark_null ? corr_start_ : corr_null_start_;
    const std::vector<uint32_t>& order = probe_mark_null ? corr_order_ : corr_null_order_;
    *b = Span{order.data() + start[cgid], start[cgid + 1] - start[cgid]};
  }
  bool CorrGroupHasNull(uint32_t cgid) const {
    return corr_null_start_[cgid + 1] != corr_null_start_[cgid];
  }
  // Groups the counting build rows by the correlation keys (mark joins).
  Status BuildCorrelationGroups(const std::vector<Datum>& keys, const std::vector<uint8_t>& cls);

  Result<Batch> UnmatchedBuildBatch(int64_t begin, int64_t end, int64_t* next) const;

  JoinSpec spec_;
  std::vector<ExprPtr> left_keys_;
  std::vector<ExprPtr> right_keys_;
  std::vector<DataType> key_types_;
  bool emit_pairs_ = false;
  bool track_build_ = false;
  bool keep_unmatched_probe_ = false;
  bool existence_ = false;
  int num_mark_ = 0;  // mark keys: the last num_mark_ of the keys
  int num_corr_ = 0;  // correlation keys: the others
  std::vector<DataType> corr_types_;
  // Set by Prepare: every build row has a distinct, non-NULL key, so group g is
  // build row g (and candidate lists are not needed).
  bool unique_keys_ = false;

  // Built by Prepare; read-only afterwards (except matched_).
  Batch build_;
  std::unique_ptr<GroupTable> table_;
  std::vector<uint32_t> group_start_;  // num_groups + 1 offsets into build_order_
  std::vector<uint32_t> build_order_;  // build rows grouped by key
  std::vector<uint32_t> all_rows_;     // 0..n (nested loop, null-aware)
  std::vector<uint32_t> null_rows_;    // build rows with a NULL key (null-aware)
  std::unique_ptr<std::atomic<uint8_t>[]> matched_;
  std::atomic<int> running_{0};
  // Mark joins: the counting build rows grouped by the correlation keys (without
  // correlation keys, one group 0 of all rows unless the build side is empty), all
  // of them (corr_order_) and those with a NULL mark key (corr_null_order_).
  std::unique_ptr<GroupTable> corr_table_;
  uint32_t corr_groups_ = 0;
  std::vector<uint32_t> corr_start_;
  std::vector<uint32_t> corr_order_;
  std::vector<uint32_t> corr_null_start_;
  std::vector<uint32_t> corr_null_order_;
};

// Orders `rows` by group: group g's rows are order[start[g] .. start[g + 1]).
void GroupRows(const std::vector<uint32_t>& rows, const uint32_t* gids, uint32_t groups,
               std::vector<uint32_t>* start, std::vector<uint32_t>* order) {
  start->assign(groups + 1, 0);
  for (uint32_t r : rows) ++(*start)[gids[r] + 1];
  for (uint32_t g = 0; g < groups; ++g) (*start)[g + 1] += (*start)[g];
  order->resize(rows.size());
  std::vector<uint32_t> fill(start->begin(), start->end() - 1);
  for (uint32_t r : rows) (*order)[fill[gids[r]]++] = r;
}

Status HashJoinOp::BuildCorrelationGroups(const std::vector<Datum>& keys,
                                          const std::vector<uint8_t>& cls) {
  // cls per build row: 0 never counts, 1 counts, 2 counts with a NULL mark key.
  const auto n = static_cast<int64_t>(cls.size());
  std::vector<uint32_t> counted, nulls;
  for (int64_t i = 0; i < n; ++i) {
    if (cls[static_cast<size_t>(i)] != 0) counted.push_back(static_cast<uint32_t>(i));
    if (cls[static_cast<size_t>(i)] == 2) nulls.push_back(static_cast<uint32_t>(i));
  }
  std::vector<uint32_t> cgids(static_cast<size_t>(std::max<int64_t>(n, 1)), 0);
  corr_table_.reset();
  if (num_corr_ > 0) {
    corr_table_ = std::make_unique<GroupTable>(corr_types_);
    const std::vector<Datum> corr(keys.begin(), keys.begin() + num_corr_);
    corr_table_->FindOrInsert(corr, RowSet(n, counted), cgids.data());
    corr_groups_ = corr_table_->num_groups();
  } else {
    corr_groups_ = counted.empty() ? 0 : 1;
  }
  GroupRows(counted, cgids.data(), corr_groups_, &corr_start_, &corr_order_);
  GroupRows(nulls, cgids.data(), corr_groups_, &corr_null_start_, &corr_null_order_);
  return Status::OK();
}

Status HashJoinOp::Prepare(ExecContext& ctx) {
  RETURN_NOT_OK(PhysicalOperator::Prepare(ctx));
  PhysicalOperator& right = *children()[1];
  ASSIGN_OR_RAISE(std::vector<Batch> batches, DrainAll(right, ctx));
  build_ = ConcatBatches(right.schema(), batches);
  batches.clear();
  const int64_t n = build_.num_rows();
  if (n >= (int64_t{1} << 32) - 1) return Status::Unsupported("join build side too large");
  const bool need_all =
      spec_.keys.empty() || (spec_.null_aware && spec_.type == JoinType::kLeftAnti);
  all_rows_.clear();
  if (need_all) {
    all_rows_.resize(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) all_rows_[static_cast<size_t>(i)] = static_cast<uint32_t>(i);
  }
  if (track_build_) {
    matched_ =
        std::make_unique<std::atomic<uint8_t>[]>(static_cast<size_t>(std::max<int64_t>(n, 1)));
    for (int64_t i = 0; i < n; ++i) matched_[static_cast<size_t>(i)].store(0);
  }
  running_.store(num_partitions());
  unique_keys_ = false;
  if (spec_.keys.empty()) return Status::OK();

  EvalContext ectx(ctx.eval);
  ASSIGN_OR_RAISE(std::vector<Datum> keys, EvalAll(right_keys_, ectx, build_));
  std::vector<uint32_t> rows;
  rows.reserve(static_cast<size_t>(n));
  null_rows_.clear();
  // Mark joins: 0 never counts, 1 counts, 2 counts with a NULL mark key.
  std::vector<uint8_t> cls(num_mark_ > 0 ? static_cast<size_t>(n) : 0, 0);
  for (int64_t i = 0; i < n; ++i) {
    bool corr_null = false, mark_null = false;
    for (size_t k = 0; k < keys.size(); ++k) {
      if (!spec_.keys[k].null_safe && keys[k].IsNull(i)) {
        (static_cast<int>(k) < num_corr_ ? corr_null : mark_null) = true;
      }
    }
    if (num_mark_ > 0) {
      if (corr_null) continue;
      cls[static_cast<size_t>(i)] = mark_null ? 2 : 1;
    }
    if (corr_null || mark_null) {
      null_rows_.push_back(static_cast<uint32_t>(i));
    } else {
      rows.push_back(static_cast<uint32_t>(i));
    }
  }
  table_ = std::make_unique<GroupTable>(key_types_);
  std::vector<uint32_t> gids(static_cast<size_t>(n));
  table_->FindOrInsert(keys, RowSet(n, rows), gids.data());
  RETURN_NOT_OK(CheckCancelled(ctx));
  const uint32_t groups = table_->num_groups();
  GroupRows(rows, gids.data(), groups, &group_start_, &build_order_);
  if (num_mark_ > 0) RETURN_NOT_OK(BuildCorrelationGroups(keys, cls));
  // Groups are numbered in row order, so n distinct keys over all n rows make group
  // g row g.
  unique_keys_ = null_rows_.empty() && groups == n &&
                 !(spec_.null_aware && spec_.type == JoinType::kLeftAnti) && num_mark_ == 0;
  return Status::OK();
}

// Build rows never matched, from row `begin`, as one batch of at most
// kDefaultBatchRows rows; *next is where to continue (n at the end).
Result<Batch> HashJoinOp::UnmatchedBuildBatch(int64_t begin, int64_t end, int64_t* next) const {
  std::vector<uint32_t> idx;
  int64_t i = begin;
  for (; i < end && static_cast<int64_t>(idx.size()) < kDefaultBatchRows; ++i) {
    if (matched_[static_cast<size_t>(i)].load(std::memory_order_relaxed) == 0) {
      idx.push_back(static_cast<uint32_t>(i));
    }
  }
  *next = i;
  const int nleft = children()[0]->schema()->num_fields();
  const auto m = static_cast<int64_t>(idx.size());
  std::vector<ColumnPtr> cols;
  for (int c = 0; c < nleft; ++c) {
    cols.push_back(Column::MakeAllNull(children()[0]->schema()->field(c).type, m));
  }
  for (int c = 0; c < build_.num_columns(); ++c)
    cols.push_back(build_.column(c)->Take(idx.data(), m));
  if (schema()->num_fields() == 0) return Batch::MakeRowsOnly(m);
  return Batch::Make(schema(), std::move(cols));
}

class JoinStream final : public BatchStream {
 public:
  static constexpr uint8_t kFalse = 0;
  static constexpr uint8_t kNull = 1;
  static constexpr uint8_t kTrue = 2;

  JoinStream(HashJoinOp* op, ExecContext& ctx, BatchStreamPtr probe)
      : op_(op), ctx_(ctx), ectx_(ctx.eval), probe_(std::move(probe)) {}

  Result<bool> Next(Batch* out) override {
    while (true) {
      RETURN_NOT_OK(CheckCancelled(ctx_));
      if (emitting_build_) {
        const int64_t n = op_->build_.num_rows();
        if (build_pos_ >= n) return false;
        ASSIGN_OR_RAISE(*out, op_->UnmatchedBuildBatch(build_pos_, n, &build_pos_));
        if (out->num_rows() > 0) return true;
        continue;
      }
      if (!have_batch_) {
        ASSIGN_OR_RAISE(bool more, probe_->Next(&batch_));
        if (!more) {
          if (op_->track_build_ && op_->running_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
            emitting_build_ = true;
            continue;
          }
          return false;
        }
        if (batch_.num_rows() == 0) continue;
        RETURN_NOT_OK(StartBatch());
      }
      ASSIGN_OR_RAISE(bool produced, Step(out));
      if (produced && out->num_rows() > 0) return true;
    }
  }

 private:
  Status StartBatch() {
    have_batch_ = true;
    pos_ = 0;
    cand_pos_ = 0;
    const auto phys = static_cast<size_t>(batch_.physical_rows());
    rows_.assign(static_cast<size_t>(batch_.num_rows()), 0);
    for (int64_t k = 0; k < batch_.num_rows(); ++k) {
      rows_[static_cast<size_t>(k)] = static_cast<uint32_t>(batch_.RowIndex(k));
    }
    matched_.assign(phys, 0);
    gids_.assign(phys, kNoGroup);
    key_null_.assign(phys, 0);
    if (op_->spec_.keys.empty()) return Status::OK();
    ASSIGN_OR_RAISE(std::vector<Datum> keys, EvalAll(op_->left_keys_, ectx_, batch_));
    RowSet rows = RowSet::Of(batch_);
    op_->table_->Find(keys, rows, gids_.data(), &encoder_);
    for (size_t k = 0; k < keys.size(); ++k) {
      if (op_->spec_.keys[k].null_safe || keys[k].no_nulls()) continue;
      // Mark joins tell a NULL correlation key (1) from a NULL mark key (2).
      const uint8_t bit = static_cast<int>(k) < op_->num_corr_ ? 1 : 2;
      rows.ForEach([&](int64_t i) {
        if (keys[k].IsNull(i)) {
          key_null_[static_cast<size_t>(i)] |= bit;
          gids_[static_cast<size_t>(i)] = kNoGroup;
        }
      });
    }
    if (op_->num_mark_ == 0) return Status::OK();
    // The correlation group of every row (none for a NULL correlation key).
    if (op_->corr_table_) {
      corr_gids_.assign(phys, kNoGroup);
      const std::vector<Datum> corr(keys.begin(), keys.begin() + op_->num_corr_);
      op_->corr_table_->Find(corr, rows, corr_gids_.data(), &corr_encoder_);
    } else {
      corr_gids_.assign(phys, op_->corr_groups_ > 0 ? 0 : kNoGroup);
    }
    for (uint32_t r : rows_) {
      if ((key_null_[r] & 1) != 0) corr_gids_[r] = kNoGroup;
    }
    return Status::OK();
  }

  // The three-valued IN of probe row r without pairs: one mark key, no residual.
  uint8_t MarkValue(uint32_t r) const {
    const uint32_t cg = corr_gids_[r];
    if (cg == kNoGroup) return kFalse;
    if (gids_[r] != kNoGroup) return kTrue;
    return (key_null_[r] & 2) != 0 || op_->CorrGroupHasNull(cg) ? kNull : kFalse;
  }

  // The probe batch with the `exists` column: matched_ of every row.
  Result<bool> EmitExistence(Batch* out) {
    const int64_t phys = batch_.physical_rows();
    Column::Parts p;
    p.type = DataType::Boolean();
    p.length = phys;
    p.values = AllocateBuffer(static_cast<size_t>(phys));
    p.values->Resize(static_cast<size_t>(phys));
    uint8_t* values = p.values->data();
    std::fill(values, values + phys, 0);
    bool any_null = false;
    for (uint32_t r : rows_) {
      values[r] = matched_[r] == kTrue ? 1 : 0;
      any_null = any_null || matched_[r] == kNull;
    }
    if (any_null) {
      p.validity = AllocateBuffer(BitmapWords(phys) * 8);
      p.validity->Resize(BitmapWords(phys) * 8);
      auto* bits = p.validity->as<uint64_t>();
      std::fill(bits, bits + BitmapWords(phys), ~uint64_t{0});
      for (uint32_t r : rows_) {
        if (matched_[r] == kNull) ClearBit(bits, r);
      }
    }
    std::vector<ColumnPtr> cols = batch_.columns();
    cols.push_back(Column::Make(std::move(p)));
    ASSIGN_OR_RAISE(*out, Batch::Make(op_->schema(), std::move(cols), batch_.selection()));
    return true;
  }

  // Produces the next piece of output for the current probe batch; returns false in
  // *out's place (nothing produced) when the batch is done.
  Result<bool> Step(Batch* out) {
    const JoinSpec& spec = op_->spec_;
    const bool anti = spec.type == JoinType::kLeftAnti;
    const bool semi = spec.type == JoinType::kLeftSemi;
    const bool existence = op_->existence_;
    const int num_mark = op_->num_mark_;
    // Existence joins without a residual and with at most one mark key decide every
    // row without pairs.
    if (existence && !spec.residual && num_mark <= 1) {
      const bool empty_build = op_->build_.num_rows() == 0;
      for (uint32_t r : rows_) {
        if (num_mark == 1) {
          matched_[r] = MarkValue(r);
        } else if (spec.keys.empty()) {
          matched_[r] = empty_build ? kFalse : kTrue;
        } else {
          matched_[r] = gids_[r] != kNoGroup ? kTrue : kFalse;
        }
      }
      have_batch_ = false;
      return EmitExistence(out);
    }
    // Semi and anti joins without a residual decide every row without pairs.
    if ((semi || anti) && !spec.residual) {
      const bool empty_build = op_->build_.num_rows() == 0;
      const bool build_has_null = !op_->null_rows_.empty();
      std::vector<uint32_t> keep;
      for (uint32_t r : rows_) {
        bool match;
        if (spec.keys.empty()) {
          match = !empty_build;
        } else if (spec.null_aware && anti) {
          match = !empty_build && (build_has_null || key_null_[r] || gids_[r] != kNoGroup);
        } else {
          match = gids_[r] != kNoGroup;
        }
        if (match == semi) keep.push_back(r);
      }
      have_batch_ = false;
      return Select(keep, out);
    }
    if (pos_ < rows_.size()) {
      // Gather up to a chunk of candidate pairs.
      probe_idx_.clear();
      build_idx_.clear();
      if (op_->unique_keys_) {
        // Every key has exactly one build row and group g is build row g: no
        // candidate lists to read.
        const size_t limit = static_cast<size_t>(kDefaultBatchRows);
        while (pos_ < rows_.size() && probe_idx_.size() < limit) {
          const uint32_t r = rows_[pos_++];
          const uint32_t g = gids_[r];
          if (g == kNoGroup) continue;
          probe_idx_.push_back(r);
          build_idx_.push_back(g);
        }
        return ProcessPairs(out);
      }
      pair_null_.clear();
      while (pos_ < rows_.size() && probe_idx_.size() < static_cast<size_t>(kDefaultBatchRows)) {
        const uint32_t r = rows_[pos_];
        Span a, b;
        if (num_mark > 0) {
          op_->MarkCandidates(gids_[r], corr_gids_[r], (key_null_[r] & 2) != 0, &a, &b);
          if (!spec.residual && a.size > 0) {
            // Several mark keys without a residual: a full-key match is TRUE.
            matched_[r] = kTrue;
            a = b = Span{};
          }
        } else {
          op_->Candidates(gids_[r], key_null_[r] != 0, &a, &b);
        }
        const uint32_t total = a.size + b.size;
        while (cand_pos_ < total && probe_idx_.size() < static_cast<size_t>(kDefaultBatchRows)) {
          const bool from_b = cand_pos_ >= a.size;
          uint32_t c = from_b ? b.rows[cand_pos_ - a.size] : a.rows[cand_pos_];
          probe_idx_.push_back(r);
          build_idx_.push_back(c);
          if (num_mark > 0) pair_null_.push_back(from_b ? 1 : 0);
          ++cand_pos_;
        }
        if (cand_pos_ >= total) {
          ++pos_;
          cand_pos_ = 0;
        }
      }
      return ProcessPairs(out);
    }
    // Tail: the per-row decisions.
    have_batch_ = false;
    if (existence) return EmitExistence(out);
    std::vector<uint32_t> keep;
    if (semi || anti) {
      for (uint32_t r : rows_) {
        if ((matched_[r] != 0) == semi) keep.push_back(r);
      }
      return Select(keep, out);
    }
    if (!op_->keep_unmatched_probe_) return false;
    for (uint32_t r : rows_) {
      if (matched_[r] == 0) keep.push_back(r);
    }
    if (keep.empty()) return false;
    const auto m = static_cast<int64_t>(keep.size());
    std::vector<ColumnPtr> cols;
    for (const ColumnPtr& c : batch_.columns()) cols.push_back(c->Take(keep.data(), m));
    for (int c = 0; c < op_->build_.num_columns(); ++c) {
      cols.push_back(Column::MakeAllNull(op_->children()[1]->schema()->field(c).type, m));
    }
    ASSIGN_OR_RAISE(*out, MakeBatch(std::move(cols), m));
    return true;
  }

  Result<bool> ProcessPairs(Batch* out) {
    const auto m = static_cast<int64_t>(probe_idx_.size());
    std::vector<ColumnPtr> cols;
    // Several mark keys: the comparison of a NULL candidate pair may be FALSE.
    const bool eval_mark = op_->num_mark_ > 1;
    const bool need_batch = op_->spec_.residual != nullptr || op_->emit_pairs_ || eval_mark;
    if (need_batch) {
      for (const ColumnPtr& c : batch_.columns()) cols.push_back(c->Take(probe_idx_.data(), m));
      for (const ColumnPtr& c : op_->build_.columns())
        cols.push_back(c->Take(build_idx_.data(), m));
    }
    std::vector<uint32_t> pass;  // pair positions that pass the residual
    const std::vector<uint32_t>* keep = nullptr;
    Batch pairs;
    if (op_->spec_.residual || eval_mark) {
      std::vector<Field> fields;
      for (size_t c = 0; c < cols.size(); ++c) {
        fields.push_back({"c" + std::to_string(c), cols[c]->type(), true});
      }
      SchemaPtr schema = MakeSchema(std::move(fields));
      if (cols.empty()) {
        pairs = Batch::MakeRowsOnly(m);
      } else {
        ASSIGN_OR_RAISE(pairs, Batch::Make(schema, cols));
      }
    }
    if (op_->spec_.residual) {
      ASSIGN_OR_RAISE(SelectionVector sel, EvaluateFilter(*op_->spec_.residual, ectx_, pairs));
      pass = sel.indices();
      keep = &pass;
    }
    Datum compared;  // eval_mark: the comparison of every pair
    if (eval_mark) {
      ASSIGN_OR_RAISE(compared, op_->spec_.mark->Eval(ectx_, pairs, RowSet(m)));
    }
    const bool marking = op_->num_mark_ > 0;
    auto mark = [&](uint32_t k) {
      uint8_t v = kTrue;
      if (marking && pair_null_[k] != 0) {
        // A NULL candidate: NULL with one mark key, else what the comparison says.
        v = !eval_mark || compared.IsNull(k) ? kNull : (compared.Get<uint8_t>(k) ? kTrue : kFalse);
      }
      uint8_t& state = matched_[probe_idx_[k]];
      state = std::max(state, v);
      if (op_->track_build_) {
        op_->matched_[build_idx_[k]].store(1, std::memory_order_relaxed);
      }
    };
    if (keep != nullptr) {
      for (uint32_t k : *keep) mark(k);
    } else {
      for (uint32_t k = 0; k < static_cast<uint32_t>(m); ++k) mark(k);
    }
    if (!op_->emit_pairs_) return false;
    if (keep != nullptr) {
      if (keep->empty()) return false;
      const auto kn = static_cast<int64_t>(keep->size());
      if (kn != m) {
        for (ColumnPtr& c : cols) c = c->Take(keep->data(), kn);
      }
      ASSIGN_OR_RAISE(*out, MakeBatch(std::move(cols), kn));
      return true;
    }
    ASSIGN_OR_RAISE(*out, MakeBatch(std::move(cols), m));
    return true;
  }

  Result<Batch> MakeBatch(std::vector<ColumnPtr> cols, int64_t rows) const {
    if (op_->schema()->num_fields() == 0) return Batch::MakeRowsOnly(rows);
    return Batch::Make(op_->schema(), std::move(cols));
  }

  // The probe rows `keep` (physical) as output of a semi or anti join.
  Result<bool> Select(std::vector<uint32_t>& keep, Batch* out) {
    if (keep.empty()) return false;
    if (batch_.num_columns() == 0) {
      *out = Batch::MakeRowsOnly(static_cast<int64_t>(keep.size()));
      return true;
    }
    ASSIGN_OR_RAISE(*out, Batch::Make(op_->schema(), batch_.columns(),
                                      std::make_shared<const SelectionVector>(std::move(keep))));
    return true;
  }

  HashJoinOp* op_;
  ExecContext& ctx_;
  EvalContext ectx_;
  BatchStreamPtr probe_;
  KeyEncoder encoder_;

  Batch batch_;
  bool have_batch_ = false;
  std::vector<uint32_t> rows_;     // the batch's physical rows, in order
  std::vector<uint32_t> gids_;     // per physical row: build group or kNoGroup
  std::vector<uint8_t> key_null_;  // per physical row: a non-null-safe key is NULL
  // Per physical row: kTrue when some pair passed; kNull for an existence join's
  // NULL (a NULL candidate passed), else kFalse.
  std::vector<uint8_t> matched_;
  std::vector<uint32_t> corr_gids_;  // mark joins, per physical row: correlation group
  KeyEncoder corr_encoder_;
  std::vector<uint8_t> pair_null_;  // mark joins, per pair: a NULL candidate
  size_t pos_ = 0;                  // next entry of rows_
  uint32_t cand_pos_ = 0;           // next candidate of rows_[pos_]
  std::vector<uint32_t> probe_idx_;
  std::vector<uint32_t> build_idx_;

  bool emitting_build_ = false;
  int64_t build_pos_ = 0;
};

Result<BatchStreamPtr> HashJoinOp::Execute(ExecContext& ctx, int p) {
  ASSIGN_OR_RAISE(BatchStreamPtr probe, children()[0]->Execute(ctx, p));
  return BatchStreamPtr(std::make_unique<JoinStream>(this, ctx, std::move(probe)));
}

}  // namespace

PhysicalOperatorPtr MakeHashJoin(PhysicalOperatorPtr left, PhysicalOperatorPtr right, JoinSpec spec,
                                 SchemaPtr schema) {
  return std::make_shared<HashJoinOp>(std::move(left), std::move(right), std::move(spec),
                                      std::move(schema));
}

}  // namespace weir::exec
