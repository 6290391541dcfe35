#include "weir/expr/expr.h"

#include <functional>
#include <memory>
#include <vector>

#include <gtest/gtest.h>

#include "weir/expr/result_builder.h"
#include "weir/types/builder.h"

namespace weir {
namespace {

Value B(bool b) { return Value::Boolean(b); }
Value NB() { return Value::Null(DataType::Boolean()); }

// A function that records which rows it was asked to compute, fails on a row whose
// input is 0 (like a division by zero in ANSI mode), and otherwise returns its input.
class ProbeFunction final : public ScalarFunction {
 public:
  ProbeFunction() : ScalarFunction("probe", DataType::Int64()) {}
  Result<Datum> Eval(EvalContext&, const std::vector<Datum>& args,
                     const RowSet& rows) const override {
    const Datum& a = args[0];
    FixedResult<int64_t> out(DataType::Int64(), rows);
    out.validity().InitFromArgs(&a, 1, rows);
    Status st;
    rows.ForEach([&](int64_t i) {
      seen->push_back(i);
      if (!a.IsNull(i) && a.Get<int64_t>(i) == 0) st = Status::InvalidInput("probe saw 0");
      out.Set(i, a.IsNull(i) ? 0 : a.Get<int64_t>(i));
    });
    RETURN_NOT_OK(st);
    return out.Finish();
  }
  std::shared_ptr<std::vector<int64_t>> seen = std::make_shared<std::vector<int64_t>>();
};

class ExprTest : public ::testing::Test {
 protected:
  // Columns: p BOOLEAN, q BOOLEAN, x BIGINT, s STRING.
  void SetUp() override {
    schema_ = MakeSchema({{"p", DataType::Boolean(), true},
                          {"q", DataType::Boolean(), true},
                          {"x", DataType::Int64(), true},
                          {"s", DataType::String(), true}});
  }

  Batch MakeBatch(const std::vector<std::vector<Value>>& rows) {
    BatchBuilder b(schema_);
    for (const auto& r : rows) b.AppendRow(r).Check();
    return b.Finish().ValueOrDie();
  }

  std::vector<Value> Eval(const ExprPtr& e, const Batch& batch) {
    EvalContext ctx(options_);
    Result<ColumnPtr> col = EvaluateColumn(*e, ctx, batch);
    EXPECT_TRUE(col.ok()) << col.status();
    std::vector<Value> out;
    for (int64_t r = 0; r < batch.num_rows(); ++r)
      out.push_back(GetValue(**col, batch.RowIndex(r)));
    return out;
  }

  ExprPtr P() { return ColumnRef(*schema_, 0); }
  ExprPtr Q() { return ColumnRef(*schema_, 1); }
  ExprPtr X() { return ColumnRef(*schema_, 2); }
  ExprPtr S() { return ColumnRef(*schema_, 3); }

  SchemaPtr schema_;
  EvalOptions options_;
};

// The nine combinations of TRUE, FALSE and NULL.
std::vector<std::vector<Value>> TruthRows() {
  std::vector<Value> v = {B(true), B(false), NB()};
  std::vector<std::vector<Value>> rows;
  for (const Value& p : v) {
    for (const Value& q : v) rows.push_back({p, q, Value::Int64(1), Value::String("a")});
  }
  return rows;
}

TEST_F(ExprTest, AndFollowsThreeValuedLogic) {
  Batch batch = MakeBatch(TruthRows());
  // p AND q for (T,T) (T,F) (T,N) (F,T) (F,F) (F,N) (N,T) (N,F) (N,N).
  std::vector<Value> want = {B(true),  B(false), NB(),     B(false), B(false),
                             B(false), NB(),     B(false), NB()};
  EXPECT_EQ(want, Eval(*And(P(), Q()), batch));
}

TEST_F(ExprTest, OrFollowsThreeValuedLogic) {
  Batch batch = MakeBatch(TruthRows());
  std::vector<Value> want = {B(true), B(true), B(true), B(true), B(false),
                             NB(),    B(true), NB(),    NB()};
  EXPECT_EQ(want, Eval(*Or(P(), Q()), batch));
}

TEST_F(ExprTest, NotAndNullTests) {
  Batch batch = MakeBatch(TruthRows());
  std::vector<Value> not_p = {B(false), B(false), B(false), B(true), B(true),
                              B(true),  NB(),     NB(),     NB()};
  EXPECT_EQ(not_p, Eval(*Not(P()), batch));
  std::vector<Value> is_null = {B(false), B(false), B(false), B(false), B(false),
                                B(false), B(true),  B(true),  B(true)};
  EXPECT_EQ(is_null, Eval(IsNull(P()), batch));
  std::vector<Value> is_not_null;
  for (const Value& v : is_null) is_not_null.push_back(B(!v.boolean()));
  EXPECT_EQ(is_not_null, Eval(IsNotNull(P()), batch));
}

TEST_F(ExprTest, AndEvaluatesItsRightSideOnlyForUndecidedRows) {
  auto probe = std::make_shared<ProbeFunction>();
  // p AND (probe(x) IS NOT NULL): probe must only see rows where p is not FALSE.
  Batch batch = MakeBatch({{B(false), B(true), Value::Int64(0), Value::String("a")},
                           {B(true), B(true), Value::Int64(5), Value::String("b")},
                           {NB(), B(true), Value::Int64(6), Value::String("c")},
                           {B(false), B(true), Value::Int64(0), Value::String("d")}});
  ExprPtr e = *And(P(), IsNotNull(Call(probe, {X()})));
  EXPECT_EQ((std::vector<Value>{B(false), B(true), NB(), B(false)}), Eval(e, batch));
  EXPECT_EQ((std::vector<int64_t>{1, 2}), *probe->seen);
}

TEST_F(ExprTest, OrEvaluatesItsRightSideOnlyForUndecidedRows) {
  auto probe = std::make_shared<ProbeFunction>();
  Batch batch = MakeBatch({{B(true), B(true), Value::Int64(0), Value::String("a")},
                           {B(false), B(true), Value::Int64(5), Value::String("b")}});
  ExprPtr e = *Or(P(), IsNotNull(Call(probe, {X()})));
  EXPECT_EQ((std::vector<Value>{B(true), B(true)}), Eval(e, batch));
  EXPECT_EQ((std::vector<int64_t>{1}), *probe->seen);
}

TEST_F(ExprTest, CaseEvaluatesEachBranchOnlyForItsRows) {
  // CASE WHEN p THEN probe(x) WHEN q THEN x ELSE -1 END: rows with x = 0 never reach
  // probe, as `CASE WHEN x <> 0 THEN 10 / x END` never divides by zero in Spark.
  auto probe = std::make_shared<ProbeFunction>();
  Batch batch = MakeBatch({{B(true), B(false), Value::Int64(7), Value::String("a")},
                           {B(false), B(true), Value::Int64(0), Value::String("b")},
                           {NB(), B(false), Value::Int64(0), Value::String("c")},
                           {B(true), NB(), Value::Int64(9), Value::String("d")},
                           {B(false), NB(), Value::Null(DataType::Int64()), Value::String("e")}});
  ExprPtr e = *CaseWhen({{P(), Call(probe, {X()})}, {Q(), X()}}, Literal(Value::Int64(-1)));
  EXPECT_EQ((std::vector<Value>{Value::Int64(7), Value::Int64(0), Value::Int64(-1), Value::Int64(9),
                                Value::Int64(-1)}),
            Eval(e, batch));
  EXPECT_EQ((std::vector<int64_t>{0, 3}), *probe->seen);
  EXPECT_EQ("CASE WHEN p THEN probe(x) WHEN q THEN x ELSE -1 END", e->ToString());
}

TEST_F(ExprTest, CaseWithoutElseIsNullForUnmatchedRows) {
  Batch batch = MakeBatch(
      {{B(true), B(false), Value::Int64(1), Value::String("hello")},
       {B(false), B(false), Value::Int64(2), Value::String("a string longer than twelve")}});
  ExprPtr e = *CaseWhen({{Not(P()).ValueOrDie(), S()}}, nullptr);
  EXPECT_EQ((std::vector<Value>{Value::Null(DataType::String()),
                                Value::String("a string longer than twelve")}),
            Eval(e, batch));
  EXPECT_TRUE(e->nullable());
}

TEST_F(ExprTest, CaseAndCoalesceCheckTypes) {
  EXPECT_FALSE(CaseWhen({{X(), X()}}, nullptr).ok());  // condition not BOOLEAN
  EXPECT_FALSE(CaseWhen({{P(), X()}}, S()).ok());      // ELSE of another type
  EXPECT_FALSE(CaseWhen({}, nullptr).ok());
  EXPECT_FALSE(Coalesce({X(), S()}).ok());
  EXPECT_FALSE(Coalesce({}).ok());
  EXPECT_FALSE(And(P(), X()).ok());
  Status st = Or(S(), P()).status();
  EXPECT_EQ(StatusCode::kInvalidArgument, st.code());
  EXPECT_NE(std::string::npos, st.message().find("'s' is string"));
}

TEST_F(ExprTest, CoalesceTakesTheFirstNonNullLazily) {
  auto probe = std::make_shared<ProbeFunction>();
  Batch batch = MakeBatch({{B(true), B(true), Value::Int64(3), Value::String("a")},
                           {B(true), B(true), Value::Null(DataType::Int64()), Value::String("b")},
                           {B(true), B(true), Value::Int64(4), Value::String("c")}});
  // coalesce(x, probe(x + ...)) — probe is only asked for row 1, where x is NULL.
  ExprPtr e = *Coalesce({X(), Call(probe, {X()}), Literal(Value::Int64(42))});
  EXPECT_EQ((std::vector<Value>{Value::Int64(3), Value::Int64(42), Value::Int64(4)}),
            Eval(e, batch));
  EXPECT_EQ((std::vector<int64_t>{1}), *probe->seen);
  EXPECT_EQ("coalesce(x, probe(x), 42)", e->ToString());
}

TEST_F(ExprTest, ErrorsPropagateFromKernels) {
  auto probe = std::make_shared<ProbeFunction>();
  Batch batch = MakeBatch({{B(true), B(true), Value::Int64(0), Value::String("a")}});
  EvalContext ctx(options_);
  Result<ColumnPtr> r = EvaluateColumn(*Call(probe, {X()}), ctx, batch);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ("probe saw 0", r.status().message());
}

TEST_F(ExprTest, FilterKeepsOnlyTrueRowsAndHonoursSelection) {
  Batch batch = MakeBatch(TruthRows());
  EvalContext ctx(options_);
  Result<SelectionVector> sel = EvaluateFilter(**And(P(), Q()), ctx, batch);
  ASSERT_TRUE(sel.ok());
  EXPECT_EQ((std::vector<uint32_t>{0}), sel->indices());
  // Filter again over a batch that already selects rows 1..8: row indices stay physical.
  std::vector<uint32_t> rest = {1, 2, 3, 4, 5, 6, 7, 8};
  Batch selected = batch.Select(SelectionVector(rest));
  Result<SelectionVector> sel2 = EvaluateFilter(**Or(P(), Q()), ctx, selected);
  ASSERT_TRUE(sel2.ok());
  EXPECT_EQ((std::vector<uint32_t>{1, 2, 3, 6}), sel2->indices());
  EXPECT_FALSE(EvaluateFilter(*X(), ctx, batch).ok());
}

// A filter over every row of a NULL-free batch reads its BOOLEAN result eight rows at
// a time: every density (none, sparse, runs, dense, all) and a length that is not a
// multiple of eight must keep exactly the TRUE rows, in a selection sized to them.
TEST_F(ExprTest, FilterKeepsTrueRowsAtEveryDensity) {
  EvalContext ctx(options_);
  const int64_t n = 1003;
  auto patterns = std::vector<std::function<bool(int64_t)>>{
      [](int64_t) { return false; },        [](int64_t i) { return i % 123 == 0; },
      [](int64_t i) { return i == n - 1; }, [](int64_t i) { return (i / 7) % 3 == 0; },
      [](int64_t i) { return i % 9 != 4; }, [](int64_t) { return true; }};
  for (size_t k = 0; k < patterns.size(); ++k) {
    std::vector<std::vector<Value>> rows;
    std::vector<uint32_t> want;
    for (int64_t i = 0; i < n; ++i) {
      const bool keep = patterns[k](i);
      rows.push_back({B(keep), B(false), Value::Int64(i), Value::String("a")});
      if (keep) want.push_back(static_cast<uint32_t>(i));
    }
    Batch batch = MakeBatch(rows);
    Result<SelectionVector> sel = EvaluateFilter(*P(), ctx, batch);
    ASSERT_TRUE(sel.ok()) << sel.status();
    EXPECT_EQ(want, sel->indices()) << "pattern " << k;
    // Sized to the kept rows (one spare slot), not to the batch.
    EXPECT_LE(sel->indices().capacity(), want.size() + 1) << "pattern " << k;
  }
}

TEST_F(ExprTest, LiteralsAreConstantsAndBroadcast) {
  Batch batch = MakeBatch(TruthRows());
  EvalContext ctx(options_);
  Result<Datum> d = Literal(Value::String("const"))->Eval(ctx, batch, RowSet::Of(batch));
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(d->is_constant());
  std::vector<Value> all(9, Value::String("const"));
  EXPECT_EQ(all, Eval(Literal(Value::String("const")), batch));
}

TEST_F(ExprTest, FoldConstantsReplacesConstantSubtrees) {
  EvalContext ctx(options_);
  // (TRUE AND NOT FALSE) OR p  ->  the left side folds to TRUE.
  ExprPtr left = *And(Literal(B(true)), *Not(Literal(B(false))));
  ExprPtr e = *Or(left, P());
  Result<ExprPtr> folded = FoldConstants(e, ctx);
  ASSERT_TRUE(folded.ok());
  EXPECT_EQ("(true OR p)", (*folded)->ToString());
  // A tree with nothing to fold comes back as the same node.
  ExprPtr p = P();
  EXPECT_EQ(p, *FoldConstants(p, ctx));
  Result<ExprPtr> whole = FoldConstants(left, ctx);
  ASSERT_TRUE(whole.ok());
  EXPECT_EQ(ExprKind::kLiteral, (*whole)->kind());
  // IS NULL of a literal folds too.
  Result<ExprPtr> n = FoldConstants(IsNull(Literal(Value::Null(DataType::Int64()))), ctx);
  EXPECT_EQ("true", (*n)->ToString());
}

TEST_F(ExprTest, FoldingSurfacesErrors) {
  EvalContext ctx(options_);
  auto probe = std::make_shared<ProbeFunction>();
  Result<ExprPtr> r = FoldConstants(Call(probe, {Literal(Value::Int64(0))}), ctx);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ("probe saw 0", r.status().message());
}

TEST_F(ExprTest, NestedTypesFlowThroughCase) {
  SchemaPtr schema = MakeSchema(
      {{"p", DataType::Boolean(), true}, {"a", DataType::Array(DataType::Int32()), true}});
  BatchBuilder b(schema);
  Value a1 = Value::Array(DataType::Int32(), {Value::Int32(1), Value::Int32(2)});
  Value a2 = Value::Array(DataType::Int32(), {Value::Null(DataType::Int32())});
  b.AppendRow({B(true), a1}).Check();
  b.AppendRow({B(false), a2}).Check();
  b.AppendRow({NB(), a2}).Check();
  Batch batch = *b.Finish();
  ExprPtr e = *CaseWhen({{ColumnRef(*schema, 0), ColumnRef(*schema, 1)}}, nullptr);
  EvalContext ctx(options_);
  ColumnPtr out = *EvaluateColumn(*e, ctx, batch);
  EXPECT_EQ(a1, GetValue(*out, 0));
  EXPECT_TRUE(GetValue(*out, 1).is_null());
  EXPECT_TRUE(GetValue(*out, 2).is_null());
}

}  // namespace
}  // namespace weir
