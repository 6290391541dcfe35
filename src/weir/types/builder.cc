#include "weir/types/builder.h"

#include <cstring>

namespace weir {

namespace {

// True if `a` and `b` are the same type up to the nullability flags of nested types
// (Spark's DataType.equalsIgnoreNullability; struct field names must match).
bool SameIgnoringNullability(const DataType& a, const DataType& b) {
  if (a.id() != b.id()) return false;
  switch (a.id()) {
    case TypeId::kDecimal:
      return a.precision() == b.precision() && a.scale() == b.scale();
    case TypeId::kArray:
      return SameIgnoringNullability(a.element_type(), b.element_type());
    case TypeId::kMap:
      return SameIgnoringNullability(a.key_type(), b.key_type()) &&
             SameIgnoringNullability(a.value_type(), b.value_type());
    case TypeId::kStruct: {
      const auto& fa = a.fields();
      const auto& fb = b.fields();
      if (fa.size() != fb.size()) return false;
      for (size_t i = 0; i < fa.size(); ++i) {
        if (fa[i].name != fb[i].name || !SameIgnoringNullability(fa[i].type, fb[i].type)) {
          return false;
        }
      }
      return true;
    }
    default:
      return true;
  }
}

// True if `v` can be stored in a column of `type`: NULLs always can; otherwise the
// types must agree, ignoring nullability flags of nested types. The declared type is
// compared as well as the contents, so that an empty array<string> does not pass
// for an array<int>.
bool Fits(const Value& v, const DataType& type) {
  if (v.is_null()) return true;
  if (!SameIgnoringNullability(v.type(), type)) return false;
  switch (type.id()) {
    case TypeId::kArray:
      for (const Value& e : v.elements()) {
        if (!Fits(e, type.element_type())) return false;
      }
      return true;
    case TypeId::kMap:
      for (const auto& [k, val] : v.entries()) {
        if (k.is_null() || !Fits(k, type.key_type()) || !Fits(val, type.value_type())) return false;
      }
      return true;
    case TypeId::kStruct: {
      const auto& fields = type.fields();
      if (v.elements().size() != fields.size()) return false;
      for (size_t i = 0; i < fields.size(); ++i) {
        if (!Fits(v.elements()[i], fields[i].type)) return false;
      }
      return true;
    }
    default:
      return true;
  }
}

BufferPtr TakeOffsets(std::vector<int32_t>* offsets, int32_t end) {
  offsets->push_back(end);
  auto buf = AllocateBuffer(offsets->size() * sizeof(int32_t));
  buf->Resize(offsets->size() * sizeof(int32_t));
  std::memcpy(buf->data(), offsets->data(), buf->size());
  offsets->clear();
  return buf;
}

}  // namespace

void ColumnBuilder::MaterializeValidity() {
  size_t words = BitmapWords(length_ + 1);
  validity_ = AllocateBuffer(words * 8);
  validity_->Resize(words * 8);
  auto* bits = validity_->as<uint64_t>();
  std::memset(bits, 0, words * 8);
  for (int64_t w = 0; w < length_ / 64; ++w) bits[w] = ~uint64_t{0};
  if (length_ % 64 != 0) bits[length_ / 64] = (uint64_t{1} << (length_ % 64)) - 1;
}

Status ColumnBuilder::TypeMismatch(const Value& v) const {
  return Status::InvalidArgument("cannot append a value of type " + v.type().ToString() +
                                 " to a column of type " + type_.ToString());
}

template <typename T>
PrimitiveBuilder<T>::PrimitiveBuilder(DataType type)
    : ColumnBuilder(std::move(type)), values_(AllocateBuffer(0)) {
  WEIR_CHECK_EQ(type_.byte_width(), static_cast<int>(sizeof(T)));
}

template <typename T>
Status PrimitiveBuilder<T>::AppendValue(const Value& v) {
  if (!Fits(v, type_)) return TypeMismatch(v);
  if (v.is_null()) {
    AppendNull();
    return Status::OK();
  }
  if constexpr (std::is_same_v<T, uint8_t>) {
    Append(v.boolean() ? 1 : 0);
  } else if constexpr (std::is_same_v<T, int32_t>) {
    Append(v.int32());
  } else if constexpr (std::is_same_v<T, int64_t>) {
    Append(v.int64());
  } else if constexpr (std::is_same_v<T, double>) {
    Append(v.float64());
  } else if constexpr (std::is_same_v<T, Int128>) {
    Append(v.decimal());
  } else {
    static_assert(std::is_same_v<T, Interval>);
    Append(v.interval());
  }
  return Status::OK();
}

template <typename T>
ColumnPtr PrimitiveBuilder<T>::Finish() {
  Column::Parts p;
  p.type = type_;
  p.length = length_;
  p.validity = TakeValidity();
  p.values = std::move(values_);
  values_ = AllocateBuffer(0);
  length_ = 0;
  return Column::Make(std::move(p));
}

template class PrimitiveBuilder<uint8_t>;
template class PrimitiveBuilder<int32_t>;
template class PrimitiveBuilder<int64_t>;
template class PrimitiveBuilder<double>;
template class PrimitiveBuilder<Int128>;
template class PrimitiveBuilder<Interval>;

StringBuilder::StringBuilder(DataType type)
    : ColumnBuilder(std::move(type)), values_(AllocateBuffer(0)) {
  WEIR_CHECK(type_.is_string_like());
}

const char* StringBuilder::CopyBytes(std::string_view s) {
  if (chunks_.empty() || chunks_.back()->capacity() - chunks_.back()->size() < s.size()) {
    chunks_.push_back(AllocateBuffer(s.size() > kChunkBytes ? s.size() : kChunkBytes));
  }
  Buffer& chunk = *chunks_.back();
  char* dst = reinterpret_cast<char*>(chunk.data()) + chunk.size();
  std::memcpy(dst, s.data(), s.size());
  chunk.Resize(chunk.size() + s.size());  // within capacity: never moves
  return dst;
}

void StringBuilder::Append(std::string_view s) {
  AppendValidity(true);
  size_t need = static_cast<size_t>(length_ + 1) * sizeof(StringRef);
  if (need > values_->size()) values_->Resize(need);
  const char* data = s.size() <= StringRef::kInlineSize ? s.data() : CopyBytes(s);
  values_->as<StringRef>()[length_++] = StringRef(data, static_cast<uint32_t>(s.size()));
}

void StringBuilder::AppendNull() {
  AppendValidity(false);
  size_t need = static_cast<size_t>(length_ + 1) * sizeof(StringRef);
  if (need > values_->size()) values_->Resize(need);
  values_->as<StringRef>()[length_++] = StringRef();
}

Status StringBuilder::AppendValue(const Value& v) {
  if (!Fits(v, type_)) return TypeMismatch(v);
  if (v.is_null()) {
    AppendNull();
  } else {
    Append(v.str());
  }
  return Status::OK();
}

void StringBuilder::Reserve(int64_t n) {
  values_->Reserve(static_cast<size_t>(length_ + n) * sizeof(StringRef));
}

ColumnPtr StringBuilder::Finish() {
  Column::Parts p;
  p.type = type_;
  p.length = length_;
  p.validity = TakeValidity();
  p.values = std::move(values_);
  p.string_data = std::move(chunks_);
  values_ = AllocateBuffer(0);
  chunks_.clear();
  length_ = 0;
  return Column::Make(std::move(p));
}

Status NullBuilder::AppendValue(const Value& v) {
  if (!v.is_null()) return TypeMismatch(v);
  AppendNull();
  return Status::OK();
}

ColumnPtr NullBuilder::Finish() {
  ColumnPtr c = Column::MakeAllNull(DataType::Null(), length_);
  length_ = 0;
  return c;
}

ArrayBuilder::ArrayBuilder(DataType type)
    : ColumnBuilder(std::move(type)), element_(MakeBuilder(type_.element_type())) {}

void ArrayBuilder::Append() {
  AppendValidity(true);
  offsets_.push_back(static_cast<int32_t>(element_->length()));
  ++length_;
}

void ArrayBuilder::AppendNull() {
  AppendValidity(false);
  offsets_.push_back(static_cast<int32_t>(element_->length()));
  ++length_;
}

Status ArrayBuilder::AppendValue(const Value& v) {
  if (!Fits(v, type_)) return TypeMismatch(v);
  if (v.is_null()) {
    AppendNull();
    return Status::OK();
  }
  Append();
  for (const Value& e : v.elements()) RETURN_NOT_OK(element_->AppendValue(e));
  return Status::OK();
}

ColumnPtr ArrayBuilder::Finish() {
  Column::Parts p;
  p.type = type_;
  p.length = length_;
  p.validity = TakeValidity();
  p.values = TakeOffsets(&offsets_, static_cast<int32_t>(element_->length()));
  p.children.push_back(element_->Finish());
  length_ = 0;
  return Column::Make(std::move(p));
}

MapBuilder::MapBuilder(DataType type)
    : ColumnBuilder(std::move(type)),
      keys_(MakeBuilder(type_.key_type())),
      values_(MakeBuilder(type_.value_type())) {}

void MapBuilder::Append() {
  AppendValidity(true);
  offsets_.push_back(static_cast<int32_t>(keys_->length()));
  ++length_;
}

void MapBuilder::AppendNull() {
  AppendValidity(false);
  offsets_.push_back(static_cast<int32_t>(keys_->length()));
  ++length_;
}

Status MapBuilder::AppendValue(const Value& v) {
  if (!Fits(v, type_)) return TypeMismatch(v);
  if (v.is_null()) {
    AppendNull();
    return Status::OK();
  }
  Append();
  for (const auto& [k, val] : v.entries()) {
    RETURN_NOT_OK(keys_->AppendValue(k));
    RETURN_NOT_OK(values_->AppendValue(val));
  }
  return Status::OK();
}

ColumnPtr MapBuilder::Finish() {
  WEIR_CHECK_EQ(keys_->length(), values_->length());
  Column::Parts p;
  p.type = type_;
  p.length = length_;
  p.validity = TakeValidity();
  p.values = TakeOffsets(&offsets_, static_cast<int32_t>(keys_->length()));
  p.children.push_back(keys_->Finish());
  p.children.push_back(values_->Finish());
  length_ = 0;
  return Column::Make(std::move(p));
}

StructBuilder::StructBuilder(DataType type) : ColumnBuilder(std::move(type)) {
  for (const Field& f : type_.fields()) fields_.push_back(MakeBuilder(f.type));
}

void StructBuilder::Append() {
  AppendValidity(true);
  ++length_;
}

void StructBuilder::AppendNull() {
  AppendValidity(false);
  ++length_;
  for (auto& f : fields_) f->AppendNull();
}

Status StructBuilder::AppendValue(const Value& v) {
  if (!Fits(v, type_)) return TypeMismatch(v);
  if (v.is_null()) {
    AppendNull();
    return Status::OK();
  }
  Append();
  for (size_t i = 0; i < fields_.size(); ++i)
    RETURN_NOT_OK(fields_[i]->AppendValue(v.elements()[i]));
  return Status::OK();
}

ColumnPtr StructBuilder::Finish() {
  Column::Parts p;
  p.type = type_;
  p.length = length_;
  p.validity = TakeValidity();
  for (auto& f : fields_) {
    WEIR_CHECK_EQ(f->length(), length_);
    p.children.push_back(f->Finish());
  }
  length_ = 0;
  return Column::Make(std::move(p));
}

std::unique_ptr<ColumnBuilder> MakeBuilder(const DataType& type) {
  switch (type.id()) {
    case TypeId::kNull:
      return std::make_unique<NullBuilder>();
    case TypeId::kBoolean:
      return std::make_unique<BooleanBuilder>();
    case TypeId::kInt32:
    case TypeId::kDate:
      return std::make_unique<Int32Builder>(type);
    case TypeId::kInt64:
    case TypeId::kTimestamp:
      return std::make_unique<Int64Builder>(type);
    case TypeId::kDouble:
      return std::make_unique<DoubleBuilder>(type);
    case TypeId::kDecimal:
      return std::make_unique<DecimalBuilder>(type);
    case TypeId::kInterval:
      return std::make_unique<IntervalBuilder>(type);
    case TypeId::kString:
    case TypeId::kBinary:
      return std::make_unique<StringBuilder>(type);
    case TypeId::kArray:
      return std::make_unique<ArrayBuilder>(type);
    case TypeId::kMap:
      return std::make_unique<MapBuilder>(type);
    case TypeId::kStruct:
      return std::make_unique<StructBuilder>(type);
  }
  WEIR_CHECK(false);
  return nullptr;
}

BatchBuilder::BatchBuilder(SchemaPtr schema) : schema_(std::move(schema)) {
  for (const Field& f : schema_->fields()) builders_.push_back(MakeBuilder(f.type));
}

Status BatchBuilder::AppendRow(const std::vector<Value>& row) {
  if (static_cast<int>(row.size()) != schema_->num_fields()) {
    return Status::InvalidArgument("row has " + std::to_string(row.size()) +
                                   " values but the schema has " +
                                   std::to_string(schema_->num_fields()) + " fields");
  }
  // Check every value first so that a bad row leaves the builder unchanged.
  for (size_t i = 0; i < row.size(); ++i) {
    if (!Fits(row[i], schema_->field(static_cast<int>(i)).type)) {
      return Status::InvalidArgument("value for column '" +
                                     schema_->field(static_cast<int>(i)).name + "' has type " +
                                     row[i].type().ToString() + ", expected " +
                                     schema_->field(static_cast<int>(i)).type.ToString());
    }
  }
  for (size_t i = 0; i < row.size(); ++i) RETURN_NOT_OK(builders_[i]->AppendValue(row[i]));
  return Status::OK();
}

int64_t BatchBuilder::num_rows() const { return builders_.empty() ? 0 : builders_[0]->length(); }

Result<Batch> BatchBuilder::Finish() {
  std::vector<ColumnPtr> cols;
  cols.reserve(builders_.size());
  for (auto& b : builders_) cols.push_back(b->Finish());
  return Batch::Make(schema_, std::move(cols));
}

}  // namespace weir
