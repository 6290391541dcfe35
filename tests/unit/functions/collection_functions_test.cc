// Collection functions and generators, with expected values from the Spark 3.5 SQL
// function reference examples (spark.apache.org/docs/3.5.0/api/sql) and from
// collectionOperations.scala / complexTypeCreator.scala / generators.scala.

#include <gtest/gtest.h>

#include "weir/functions/collection_internal.h"
#include "weir/functions/generator.h"

#include "tests/unit/functions/function_test_util.h"

namespace weir {
namespace {

using testing::EvalColumns;
using testing::EvalLiterals;

Value S(std::string v) { return Value::String(std::move(v)); }
Value I(int32_t v) { return Value::Int32(v); }
Value L(int64_t v) { return Value::Int64(v); }
Value B(bool v) { return Value::Boolean(v); }
Value NI() { return Value::Null(DataType::Int32()); }
Value NS() { return Value::Null(DataType::String()); }
Value AI(std::vector<Value> v) { return Value::Array(DataType::Int32(), std::move(v)); }
Value AS(std::vector<Value> v) { return Value::Array(DataType::String(), std::move(v)); }

ExprPtr Lit(Value v) { return Literal(std::move(v)); }

ExprPtr CallOf(std::string_view name, std::vector<ExprPtr> args, bool ansi = false) {
  ResolveOptions o;
  o.ansi = ansi;
  Result<ExprPtr> r = FunctionRegistry::Builtins().Resolve(name, std::move(args), o);
  EXPECT_TRUE(r.ok()) << name << ": " << r.status();
  return r.ok() ? *r : Lit(Value());
}

Result<Value> Eval(const ExprPtr& e, bool ansi = false) {
  EvalOptions o;
  o.ansi = ansi;
  EvalContext ctx(o);
  ASSIGN_OR_RAISE(Datum d, e->Eval(ctx, Batch::MakeRowsOnly(1), RowSet(1)));
  return d.GetValue(0);
}

std::string Show(const Result<Value>& r) {
  if (!r.ok()) return "error: " + r.status().message();
  return r->ToString();
}

std::string Error(const Result<Value>& r) { return r.ok() ? "<ok>" : r.status().message(); }

// ---- array, map, struct, named_struct ---------------------------------------------------

TEST(CreateTest, Array) {
  // `SELECT array(1, 2, 3);` -> [1,2,3]
  Result<Value> r = EvalLiterals("array", {I(1), I(2), I(3)});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(AI({I(1), I(2), I(3)}), *r);
  // The element type is the wider type: array(1, 2L, NULL) is ARRAY<BIGINT>.
  r = EvalLiterals("array", {I(1), L(2), Value()});
  EXPECT_EQ(DataType::Array(DataType::Int64()), r->type());
  EXPECT_EQ("[1, 2, NULL]", r->ToString());
  EXPECT_EQ("[1, a]", Show(EvalLiterals("array", {I(1), S("a")})));
  EXPECT_EQ(DataType::Array(DataType::Null()), EvalLiterals("array", {})->type());
  EXPECT_NE(std::string::npos,
            Error(EvalLiterals("array", {I(1), B(true)})).find("DATA_DIFF_TYPES"));
  auto cols = EvalColumns(
      "array", {{DataType::Int32(), {I(1), NI(), I(3)}}, {DataType::Int32(), {I(4), I(5), NI()}}});
  ASSERT_TRUE(cols.ok()) << cols.status();
  EXPECT_EQ((std::vector<Value>{AI({I(1), I(4)}), AI({NI(), I(5)}), AI({I(3), NI()})}), *cols);
}

TEST(CreateTest, Map) {
  // `SELECT map(1.0, '2', 3.0, '4');` -> {1.0:"2",3.0:"4"}
  Result<Value> r =
      EvalLiterals("map", {Value::Decimal(10, 2, 1), S("2"), Value::Decimal(30, 2, 1), S("4")});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ("{1.0 -> 2, 3.0 -> 4}", r->ToString());
  EXPECT_EQ(DataType::Map(DataType::Int64(), DataType::String()),
            EvalLiterals("map", {I(1), S("a"), L(2), NS()})->type());
  EXPECT_EQ("{1 -> a, 2 -> NULL}", Show(EvalLiterals("map", {I(1), S("a"), L(2), NS()})));
  // spark.sql.mapKeyDedupPolicy = EXCEPTION (the default).
  std::string e = Error(EvalLiterals("map", {I(1), S("a"), I(1), S("b")}));
  EXPECT_NE(std::string::npos, e.find("[DUPLICATED_MAP_KEY] Duplicate map key 1 was found")) << e;
  e = Error(EvalLiterals("map", {NI(), S("a")}));
  EXPECT_NE(std::string::npos, e.find("[NULL_MAP_KEY] Cannot use null as map key.")) << e;
  e = Error(EvalLiterals("map", {I(1), S("a"), I(2)}));
  EXPECT_NE(std::string::npos, e.find("2n (n > 0)")) << e;
  EXPECT_EQ("{}", Show(EvalLiterals("map", {})));
}

TEST(CreateTest, StructAndNamedStruct) {
  // `SELECT struct(1, 2, 3);` -> {"col1":1,"col2":2,"col3":3}
  Result<Value> r = EvalLiterals("struct", {I(1), I(2), I(3)});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ("col1", r->type().fields()[0].name);
  EXPECT_EQ("col3", r->type().fields()[2].name);
  EXPECT_EQ("{1, 2, 3}", r->ToString());
  // A column reference keeps its name.
  ExprPtr s = CallOf("struct", {ColumnRef(0, "price", DataType::Int32()), Lit(I(1))});
  EXPECT_EQ("price", s->type().fields()[0].name);
  EXPECT_EQ("col2", s->type().fields()[1].name);
  // `SELECT named_struct("a", 1, "b", 2, "c", 3);` -> {"a":1,"b":2,"c":3}
  r = EvalLiterals("named_struct", {S("a"), I(1), S("b"), I(2), S("c"), I(3)});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(DataType::Struct({{"a", DataType::Int32(), true},
                              {"b", DataType::Int32(), true},
                              {"c", DataType::Int32(), true}}),
            r->type());
  EXPECT_EQ("{1, 2, 3}", r->ToString());
  EXPECT_NE(std::string::npos,
            Error(EvalLiterals("named_struct", {S("a")})).find("WRONG_NUM_ARGS"));
  EXPECT_NE(std::string::npos, Error(EvalLiterals("named_struct", {I(1), I(2)}))
                                   .find("CREATE_NAMED_STRUCT_WITHOUT_FOLDABLE_STRING"));
  EXPECT_NE(std::string::npos,
            Error(EvalLiterals("named_struct", {NS(), I(2)})).find("UNEXPECTED_NULL"));
  auto cols = EvalColumns("struct", {{DataType::Int32(), {I(1), NI()}}});
  ASSERT_TRUE(cols.ok()) << cols.status();
  EXPECT_EQ("{1}", (*cols)[0].ToString());
  EXPECT_EQ("{NULL}", (*cols)[1].ToString());
}

// ---- size / cardinality -----------------------------------------------------------------

TEST(SizeTest, DocExamplesAndNull) {
  // `SELECT size(array('b', 'd', 'c', 'a'));` -> 4
  EXPECT_EQ(I(4), *EvalLiterals("size", {AS({S("b"), S("d"), S("c"), S("a")})}));
  // `SELECT size(map('a', 1, 'b', 2));` -> 2
  EXPECT_EQ(I(2), *Eval(CallOf("size",
                               {CallOf("map", {Lit(S("a")), Lit(I(1)), Lit(S("b")), Lit(I(2))})})));
  // `SELECT size(NULL);` -> -1 (legacy.sizeOfNull = true, ANSI off)
  EXPECT_EQ(I(-1), *EvalLiterals("size", {Value()}));
  EXPECT_EQ(I(-1), *EvalLiterals("size", {Value::Null(DataType::Array(DataType::Int32()))}));
  // ANSI mode: NULL.
  EvalOptions ansi;
  ansi.ansi = true;
  EXPECT_TRUE(
      EvalLiterals("size", {Value::Null(DataType::Array(DataType::Int32()))}, ansi)->is_null());
  // `SELECT cardinality(array('b', 'd', 'c', 'a'));` -> 4
  EXPECT_EQ(I(4), *EvalLiterals("cardinality", {AS({S("b"), S("d"), S("c"), S("a")})}));
  EXPECT_EQ(I(0), *EvalLiterals("size", {AI({})}));
  EXPECT_NE(std::string::npos,
            Error(EvalLiterals("size", {S("abc")})).find("UNEXPECTED_INPUT_TYPE"));
  auto cols = EvalColumns(
      "size",
      {{DataType::Array(DataType::Int32()),
        {AI({I(1)}), Value::Null(DataType::Array(DataType::Int32())), AI({I(1), NI(), I(3)})}}});
  ASSERT_TRUE(cols.ok()) << cols.status();
  EXPECT_EQ((std::vector<Value>{I(1), I(-1), I(3)}), *cols);
}

// ---- element_at -----------------------------------------------------------------------

TEST(ElementAtTest, Arrays) {
  Value a = AI({I(1), I(2), I(3)});
  // `SELECT element_at(array(1, 2, 3), 2);` -> 2
  EXPECT_EQ(I(2), *EvalLiterals("element_at", {a, I(2)}));
  EXPECT_EQ(I(3), *EvalLiterals("element_at", {a, I(-1)}));
  EXPECT_EQ(I(1), *EvalLiterals("element_at", {a, I(-3)}));
  EXPECT_EQ(I(1), *EvalLiterals("element_at", {a, L(1)}));
  EXPECT_TRUE(EvalLiterals("element_at", {a, I(4)})->is_null());
  EXPECT_TRUE(EvalLiterals("element_at", {a, I(-4)})->is_null());
  EXPECT_TRUE(EvalLiterals("element_at", {a, NI()})->is_null());
  EXPECT_TRUE(EvalLiterals("element_at", {AI({NI()}), I(1)})->is_null());
  std::string e = Error(EvalLiterals("element_at", {a, I(0)}));
  EXPECT_NE(std::string::npos, e.find("[INVALID_INDEX_OF_ZERO]")) << e;
  EvalOptions ansi;
  ansi.ansi = true;
  e = Error(EvalLiterals("element_at", {a, I(4)}, ansi));
  EXPECT_NE(std::string::npos,
            e.find("[INVALID_ARRAY_INDEX_IN_ELEMENT_AT] The index 4 is out of bounds. The array "
                   "has 3 elements."))
      << e;
  EXPECT_EQ(I(2), *EvalLiterals("element_at", {a, I(2)}, ansi));
  EXPECT_EQ(S("b"), *EvalLiterals("element_at", {AS({S("a"), S("b")}), I(2)}));
}

// array(element_at(x, i), ...) over one array column resolves as a single call of x
// (collection_internal::ArraySlotIndices), which must give what the calls give:
// NULL past the end and for a NULL array, the indices in any order, and with ANSI
// on the first call's out-of-bounds error. Its plan text is the calls'.
TEST(ElementAtTest, ArrayOfElementAtsOverOneColumn) {
  const DataType t = DataType::Array(DataType::Int32());
  auto b = MakeBuilder(t);
  for (const Value& v :
       {AI({I(1), I(2), I(3)}), AI({I(7)}), Value::Null(t), AI({}), AI({NI(), I(5), I(6), I(8)})}) {
    ASSERT_TRUE(b->AppendValue(v).ok());
  }
  ColumnPtr col = b->Finish();
  SchemaPtr schema = MakeSchema({{"x", t, true}});
  auto batch = Batch::Make(schema, {col});
  ASSERT_TRUE(batch.ok());
  auto at = [&](int32_t i) { return CallOf("element_at", {ColumnRef(*schema, 0), Lit(I(i))}); };
  ExprPtr fused = CallOf("array", {at(1), at(3), at(2)});
  ASSERT_EQ(ExprKind::kCall, fused->kind());
  const auto& call = static_cast<const CallExpr&>(*fused);
  ASSERT_NE(nullptr, collection_internal::ArraySlotIndices(call.function()));
  EXPECT_EQ((std::vector<int32_t>{1, 3, 2}),
            *collection_internal::ArraySlotIndices(call.function()));
  EXPECT_EQ("array(element_at(x, 1), element_at(x, 3), element_at(x, 2))", fused->ToString());
  EXPECT_EQ(DataType::Array(DataType::Int32()), fused->type());

  auto eval = [&](bool ansi, const RowSet& rows) -> Result<std::string> {
    EvalOptions o;
    o.ansi = ansi;
    EvalContext ctx(o);
    ASSIGN_OR_RAISE(Datum d, fused->Eval(ctx, *batch, rows));
    std::string out;
    rows.ForEach([&](int64_t i) { out += d.GetValue(i).ToString() + ";"; });
    return out;
  };
  auto all = eval(false, RowSet(5));
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_EQ("[1, 3, 2];[7, NULL, NULL];[NULL, NULL, NULL];[NULL, NULL, NULL];[NULL, 6, 5];", *all);
  std::vector<uint32_t> some = {1, 4};
  auto part = eval(false, RowSet(5, some));
  ASSERT_TRUE(part.ok()) << part.status();
  EXPECT_EQ("[7, NULL, NULL];[NULL, 6, 5];", *part);
  // With ANSI on, the calls fail in order: over all rows element_at(x, 1) fails
  // first (row 3 is empty); over rows 0 and 1, element_at(x, 3) does, although
  // element_at(x, 2) fails on row 1 too.
  auto ansi = eval(true, RowSet(5));
  ASSERT_FALSE(ansi.ok());
  EXPECT_NE(std::string::npos,
            ansi.status().message().find("The index 1 is out of bounds. The array has 0 "
                                         "elements."))
      << ansi.status();
  std::vector<uint32_t> first_two = {0, 1};
  ansi = eval(true, RowSet(5, first_two));
  ASSERT_FALSE(ansi.ok());
  EXPECT_NE(std::string::npos,
            ansi.status().message().find("The index 3 is out of bounds. The array has 1 "
                                         "elements."))
      << ansi.status();
  // A constant or a second column is not fused.
  ExprPtr other = CallOf("array", {at(1), CallOf("element_at", {Lit(AI({I(4)})), Lit(I(1))})});
  EXPECT_EQ(nullptr,
            collection_internal::ArraySlotIndices(static_cast<const CallExpr&>(*other).function()));
  auto plain = [&]() -> Result<std::string> {
    EvalOptions o;
    EvalContext ctx(o);
    ASSIGN_OR_RAISE(Datum d, other->Eval(ctx, *batch, RowSet(5)));
    std::string out;
    for (int64_t i = 0; i < 5; ++i) out += d.GetValue(i).ToString() + ";";
    return out;
  }();
  ASSERT_TRUE(plain.ok()) << plain.status();
  EXPECT_EQ("[1, 4];[7, 4];[NULL, 4];[NULL, 4];[NULL, 4];", *plain);
}

TEST(ElementAtTest, Maps) {
  // `SELECT element_at(map(1, 'a', 2, 'b'), 2);` -> b
  ExprPtr m = CallOf("map", {Lit(I(1)), Lit(S("a")), Lit(I(2)), Lit(S("b"))});
  EXPECT_EQ(S("b"), *Eval(CallOf("element_at", {m, Lit(I(2))})));
  EXPECT_TRUE(Eval(CallOf("element_at", {m, Lit(I(3))}))->is_null());
  // Missing keys are NULL in ANSI mode too (Spark 3.4+).
  EXPECT_TRUE(Eval(CallOf("element_at", {m, Lit(I(3))}, true), true)->is_null());
  EXPECT_EQ(S("a"), *Eval(CallOf("element_at", {m, Lit(L(1))})));
  auto bad = FunctionRegistry::Builtins().Resolve("element_at", {Lit(I(1)), Lit(I(1))});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(std::string::npos, bad.status().message().find("UNEXPECTED_INPUT_TYPE"));
}

// ---- array_contains ---------------------------------------------------------------------

TEST(ArrayContainsTest, ThreeValued) {
  // `SELECT array_contains(array(1, 2, 3), 2);` -> true
  EXPECT_EQ(B(true), *EvalLiterals("array_contains", {AI({I(1), I(2), I(3)}), I(2)}));
  EXPECT_EQ(B(false), *EvalLiterals("array_contains", {AI({I(1), I(2), I(3)}), I(5)}));
  // Not found but a NULL element: NULL.
  EXPECT_TRUE(EvalLiterals("array_contains", {AI({I(1), NI()}), I(5)})->is_null());
  EXPECT_EQ(B(true), *EvalLiterals("array_contains", {AI({I(1), NI()}), I(1)}));
  EXPECT_TRUE(EvalLiterals("array_contains", {AI({I(1)}), NI()})->is_null());
  EXPECT_TRUE(
      EvalLiterals("array_contains", {Value::Null(DataType::Array(DataType::Int32())), I(1)})
          ->is_null());
  EXPECT_EQ(B(true), *EvalLiterals("array_contains", {AI({I(1), I(2)}), L(2)}));
  EXPECT_EQ(B(true), *EvalLiterals("array_contains", {AI({I(1), I(2)}), Value::Double(2.0)}));
  EXPECT_NE(std::string::npos, Error(EvalLiterals("array_contains", {AI({I(1)}), S("1")}))
                                   .find("ARRAY_FUNCTION_DIFF_TYPES"));
  EXPECT_NE(std::string::npos,
            Error(EvalLiterals("array_contains", {AI({I(1)}), Value()})).find("NULL_TYPE"));
}

// ---- sort_array -------------------------------------------------------------------------

TEST(SortArrayTest, DocExamples) {
  // `SELECT sort_array(array('b', 'd', null, 'c', 'a'), true);` -> [null,"a","b","c","d"]
  Value in = AS({S("b"), S("d"), NS(), S("c"), S("a")});
  EXPECT_EQ(AS({NS(), S("a"), S("b"), S("c"), S("d")}), *EvalLiterals("sort_array", {in, B(true)}));
  // `SELECT sort_array(array('b', 'd', null, 'c', 'a'), false);` -> ["d","c","b","a",null]
  EXPECT_EQ(AS({S("d"), S("c"), S("b"), S("a"), NS()}),
            *EvalLiterals("sort_array", {in, B(false)}));
  EXPECT_EQ(AS({NS(), S("a"), S("b"), S("c"), S("d")}), *EvalLiterals("sort_array", {in}));
}

TEST(SortArrayTest, NumbersNaNAndErrors) {
  Value d = Value::Array(DataType::Double(), {Value::Double(NAN), Value::Double(-1.0),
                                              Value::Double(2.5), Value::Double(-INFINITY)});
  EXPECT_EQ("[-Infinity, -1.0, 2.5, NaN]", Show(EvalLiterals("sort_array", {d})));
  EXPECT_EQ(AI({I(3), I(2), I(1)}),
            *EvalLiterals("sort_array", {AI({I(1), I(3), I(2)}), B(false)}));
  EXPECT_TRUE(
      EvalLiterals("sort_array", {Value::Null(DataType::Array(DataType::Int32()))})->is_null());
  EXPECT_EQ(AI({}), *EvalLiterals("sort_array", {AI({})}));
  auto r = EvalColumns("sort_array",
                       {{DataType::Array(DataType::Int32()),
                         {AI({I(2), I(1)}), Value::Null(DataType::Array(DataType::Int32())),
                          AI({I(9), NI(), I(4)})}},
                        {DataType::Boolean(), {B(true), B(true), B(true)}}});
  ASSERT_FALSE(r.ok());  // the order must be a literal
  EXPECT_NE(std::string::npos, r.status().message().find("NON_FOLDABLE_INPUT"));
  auto one = EvalColumns("sort_array",
                         {{DataType::Array(DataType::Int32()),
                           {AI({I(2), I(1)}), Value::Null(DataType::Array(DataType::Int32())),
                            AI({I(9), NI(), I(4)})}}});
  ASSERT_TRUE(one.ok()) << one.status();
  EXPECT_EQ((std::vector<Value>{AI({I(1), I(2)}), Value::Null(DataType::Array(DataType::Int32())),
                                AI({NI(), I(4), I(9)})}),
            *one);
  EXPECT_NE(std::string::npos,
            Error(EvalLiterals("sort_array", {AI({I(1)}), I(1)})).find("UNEXPECTED_INPUT_TYPE"));
}

// A column of arrays that are all in order comes back as it is (the kernel checks
// the order instead of sorting); equal elements (-0.0 and 0.0) keep their places,
// as a stable sort keeps them. One array out of order sorts the column.
TEST(SortArrayTest, OrderedArraysAndStableTies) {
  const DataType t = DataType::Array(DataType::Double());
  auto D = [](double v) { return Value::Double(v); };
  const Value null_double = Value::Null(DataType::Double());
  std::vector<Value> ordered = {Value::Array(DataType::Double(), {D(-0.0), D(0.0)}),
                                Value::Array(DataType::Double(), {D(0.0), D(-0.0), D(1.0)}),
                                Value::Null(t), Value::Array(DataType::Double(), {}),
                                Value::Array(DataType::Double(), {null_double, D(2.0), D(NAN)})};
  auto show = [](const std::vector<Value>& v) {
    std::string out;
    for (const Value& x : v) out += x.ToString() + ";";
    return out;
  };
  auto same = EvalColumns("sort_array", {{t, ordered}});
  ASSERT_TRUE(same.ok()) << same.status();
  EXPECT_EQ("[-0.0, 0.0];[0.0, -0.0, 1.0];NULL;[];[NULL, 2.0, NaN];", show(*same));
  std::vector<Value> mixed = ordered;
  mixed.push_back(Value::Array(DataType::Double(), {D(2.0), D(-0.0), D(1.0), D(0.0)}));
  auto sorted = EvalColumns("sort_array", {{t, mixed}});
  ASSERT_TRUE(sorted.ok()) << sorted.status();
  EXPECT_EQ("[-0.0, 0.0];[0.0, -0.0, 1.0];NULL;[];[NULL, 2.0, NaN];[-0.0, 0.0, 1.0, 2.0];",
            show(*sorted));
}

// ---- array_distinct ---------------------------------------------------------------------

TEST(ArrayDistinctTest, KeepsFirstOccurrences) {
  // `SELECT array_distinct(array(1, 2, 3, null, 3));` -> [1,2,3,null]
  EXPECT_EQ(AI({I(1), I(2), I(3), NI()}),
            *EvalLiterals("array_distinct", {AI({I(1), I(2), I(3), NI(), I(3)})}));
  EXPECT_EQ(AI({I(3), I(1), NI()}),
            *EvalLiterals("array_distinct", {AI({I(3), I(3), I(1), NI(), NI(), I(1)})}));
  EXPECT_EQ(AS({S("b"), S("a")}), *EvalLiterals("array_distinct", {AS({S("b"), S("a"), S("b")})}));
  Value d = Value::Array(DataType::Double(), {Value::Double(NAN), Value::Double(NAN)});
  EXPECT_EQ("[NaN]", Show(EvalLiterals("array_distinct", {d})));
  EXPECT_TRUE(
      EvalLiterals("array_distinct", {Value::Null(DataType::Array(DataType::Int32()))})->is_null());
  auto cols = EvalColumns("array_distinct", {{DataType::Array(DataType::Int32()),
                                              {AI({I(1), I(1)}), AI({}), AI({I(2), I(3), I(2)})}}});
  ASSERT_TRUE(cols.ok()) << cols.status();
  EXPECT_EQ((std::vector<Value>{AI({I(1)}), AI({}), AI({I(2), I(3)})}), *cols);
}

// ---- generators -------------------------------------------------------------------------

struct Generated {
  std::vector<std::string> names;
  std::vector<std::vector<Value>> rows;  // one vector per output row
  std::vector<uint32_t> input_rows;
};

Generated Generate(std::string_view name, const DataType& type, const std::vector<Value>& input) {
  Generated g;
  auto b = MakeBuilder(type);
  for (const Value& v : input) b->AppendValue(v).Check();
  ColumnPtr col = b->Finish();
  std::vector<ExprPtr> args = {ColumnRef(0, "c", type)};
  Result<GeneratorPtr> gen = ResolveGenerator(name, args);
  EXPECT_TRUE(gen.ok()) << gen.status();
  if (!gen.ok()) return g;
  for (const Field& f : (*gen)->output_fields()) g.names.push_back(f.name);
  EvalOptions o;
  EvalContext ctx(o);
  Result<GeneratorOutput> out =
      (*gen)->Generate(ctx, {Datum::Flat(col)}, RowSet(static_cast<int64_t>(input.size())));
  EXPECT_TRUE(out.ok()) << out.status();
  if (!out.ok()) return g;
  g.input_rows = out->input_rows;
  for (size_t r = 0; r < out->input_rows.size(); ++r) {
    std::vector<Value> row;
    for (const ColumnPtr& c : out->columns) {
      EXPECT_EQ(static_cast<int64_t>(out->input_rows.size()), c->length());
      row.push_back(GetValue(*c, static_cast<int64_t>(r)));
    }
    g.rows.push_back(std::move(row));
  }
  return g;
}

TEST(GeneratorTest, Explode) {
  // `SELECT explode(array(10, 20));` -> 10, 20
  Generated g = Generate("explode", DataType::Array(DataType::Int32()),
                         {AI({I(10), I(20)}), Value::Null(DataType::Array(DataType::Int32())),
                          AI({}), AI({I(30), NI()})});
  EXPECT_EQ(std::vector<std::string>{"col"}, g.names);
  EXPECT_EQ((std::vector<uint32_t>{0, 0, 3, 3}), g.input_rows);
  ASSERT_EQ(4u, g.rows.size());
  EXPECT_EQ(I(10), g.rows[0][0]);
  EXPECT_EQ(I(20), g.rows[1][0]);
  EXPECT_EQ(I(30), g.rows[2][0]);
  EXPECT_TRUE(g.rows[3][0].is_null());
}

TEST(GeneratorTest, ExplodeOuter) {
  // `SELECT explode_outer(array(10, 20));` -> 10, 20; NULL and empty give one NULL row.
  Generated g =
      Generate("explode_outer", DataType::Array(DataType::Int32()),
               {AI({I(10), I(20)}), Value::Null(DataType::Array(DataType::Int32())), AI({})});
  EXPECT_EQ((std::vector<uint32_t>{0, 0, 1, 2}), g.input_rows);
  EXPECT_EQ(I(20), g.rows[1][0]);
  EXPECT_TRUE(g.rows[2][0].is_null());
  EXPECT_TRUE(g.rows[3][0].is_null());
  // Only NULL/empty input: the child column is empty.
  Generated empty = Generate("explode_outer", DataType::Array(DataType::Int32()), {AI({})});
  ASSERT_EQ(1u, empty.rows.size());
  EXPECT_TRUE(empty.rows[0][0].is_null());
}

TEST(GeneratorTest, PosExplode) {
  // `SELECT posexplode(array(10,20));` -> 0 10, 1 20
  Generated g = Generate("posexplode", DataType::Array(DataType::Int32()), {AI({I(10), I(20)})});
  EXPECT_EQ((std::vector<std::string>{"pos", "col"}), g.names);
  ASSERT_EQ(2u, g.rows.size());
  EXPECT_EQ((std::vector<Value>{I(0), I(10)}), g.rows[0]);
  EXPECT_EQ((std::vector<Value>{I(1), I(20)}), g.rows[1]);
  // `SELECT posexplode_outer(array(10,20));` plus a NULL row.
  Generated o = Generate("posexplode_outer", DataType::Array(DataType::Int32()),
                         {AI({I(10), I(20)}), Value::Null(DataType::Array(DataType::Int32()))});
  ASSERT_EQ(3u, o.rows.size());
  EXPECT_TRUE(o.rows[2][0].is_null());
  EXPECT_TRUE(o.rows[2][1].is_null());
}

TEST(GeneratorTest, ExplodeMap) {
  DataType mt = DataType::Map(DataType::String(), DataType::Int32());
  Value m = Value::Map(DataType::String(), DataType::Int32(), {{S("a"), I(1)}, {S("b"), NI()}});
  Generated g = Generate("explode", mt, {m});
  EXPECT_EQ((std::vector<std::string>{"key", "value"}), g.names);
  ASSERT_EQ(2u, g.rows.size());
  EXPECT_EQ((std::vector<Value>{S("a"), I(1)}), g.rows[0]);
  EXPECT_EQ(S("b"), g.rows[1][0]);
  EXPECT_TRUE(g.rows[1][1].is_null());
  Generated p = Generate("posexplode_outer", mt, {m, Value::Null(mt)});
  EXPECT_EQ((std::vector<std::string>{"pos", "key", "value"}), p.names);
  ASSERT_EQ(3u, p.rows.size());
  EXPECT_EQ(I(1), p.rows[1][0]);
  EXPECT_TRUE(p.rows[2][1].is_null());
}

TEST(GeneratorTest, ResolutionErrors) {
  std::vector<ExprPtr> args = {Lit(I(1))};
  Result<GeneratorPtr> g = ResolveGenerator("explode", args);
  ASSERT_FALSE(g.ok());
  EXPECT_NE(std::string::npos, g.status().message().find("UNEXPECTED_INPUT_TYPE"));
  std::vector<ExprPtr> none;
  EXPECT_FALSE(ResolveGenerator("explode", none).ok());
  EXPECT_FALSE(ResolveGenerator("upper", args).ok());
  EXPECT_TRUE(IsGenerator("EXPLODE"));
  EXPECT_FALSE(IsGenerator("size"));
  // explode(NULL) gives nothing; explode_outer(NULL) one NULL row.
  std::vector<ExprPtr> null_arg = {Lit(Value())};
  Result<GeneratorPtr> outer = ResolveGenerator("explode_outer", null_arg);
  ASSERT_TRUE(outer.ok()) << outer.status();
  EvalOptions o;
  EvalContext ctx(o);
  Result<GeneratorOutput> out = (*outer)->Generate(ctx, {Datum::Null(DataType::Null())}, RowSet(2));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((std::vector<uint32_t>{0, 1}), out->input_rows);
}

TEST(GeneratorTest, RespectsRowSubsets) {
  auto b = MakeBuilder(DataType::Array(DataType::Int32()));
  for (const Value& v : {AI({I(1)}), AI({I(2), I(3)}), AI({I(4)})}) b->AppendValue(v).Check();
  ColumnPtr col = b->Finish();
  std::vector<ExprPtr> args = {ColumnRef(0, "c", col->type())};
  GeneratorPtr g = *ResolveGenerator("explode", args);
  EvalOptions o;
  EvalContext ctx(o);
  std::vector<uint32_t> rows = {1, 2};
  GeneratorOutput out = *g->Generate(ctx, {Datum::Flat(col)}, RowSet(3, rows));
  EXPECT_EQ((std::vector<uint32_t>{1, 1, 2}), out.input_rows);
  EXPECT_EQ(I(4), GetValue(*out.columns[0], 2));
}

// Gather (array(), element_at) must build the column AppendCell builds, cell by cell,
// for nested values with NULLs at every level, picks from two sources and NULL picks.
TEST(CollectionFunctionsTest, GatherMatchesAppendCell) {
  const DataType inner =
      DataType::Struct({{"a", DataType::Int32(), true},
                        {"s", DataType::String(), true},
                        {"arr", DataType::Array(DataType::String()), true},
                        {"m", DataType::Map(DataType::String(), DataType::Int64()), true}});
  auto row = [&](int k) -> Value {
    if (k % 5 == 4) return Value::Null(inner);
    const std::string long_text = "a string longer than twelve bytes #" + std::to_string(k);
    return Value::Struct(
        inner, {k % 3 == 0 ? NI() : I(k), k % 4 == 1 ? NS() : S(k % 2 ? long_text : "short"),
                k % 6 == 5 ? Value::Null(DataType::Array(DataType::String()))
                           : AS({S(long_text), NS(), S("x")}),
                Value::Map(DataType::String(), DataType::Int64(), {{S("k" + long_text), L(k)}})});
  };
  std::vector<ColumnPtr> cols;
  for (int src = 0; src < 2; ++src) {
    auto b = MakeBuilder(inner);
    for (int k = 0; k < 12; ++k) ASSERT_TRUE(b->AppendValue(row(k + 12 * src)).ok());
    cols.push_back(b->Finish());
  }
  std::vector<collection_internal::Pick> picks;
  auto want = MakeBuilder(inner);
  for (int k = 0; k < 40; ++k) {
    const int32_t source = k % 7 == 6 ? -1 : k % 2;
    const auto r = static_cast<uint32_t>((k * 5) % 12);
    picks.push_back({source, r});
    if (source < 0) {
      want->AppendNull();
    } else {
      collection_internal::AppendCell(want.get(), *cols[static_cast<size_t>(source)], r);
    }
  }
  ColumnPtr expected = want->Finish();
  ColumnPtr got = collection_internal::Gather(inner, {cols[0].get(), cols[1].get()}, picks);
  ASSERT_EQ(expected->length(), got->length());
  for (int64_t i = 0; i < got->length(); ++i) {
    EXPECT_EQ(GetValue(*expected, i), GetValue(*got, i)) << "row " << i;
  }
  // A NULL struct's fields are NULL too, as StructBuilder::AppendNull makes them.
  EXPECT_TRUE(got->IsNull(6));
  EXPECT_TRUE(got->child(0)->IsNull(6));
}

}  // namespace
}  // namespace weir
