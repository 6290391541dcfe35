#include "weir/functions/collection_internal.h"

#include <algorithm>
#include <cstring>
#include <type_traits>

namespace weir::collection_internal {

ColumnPtr Gather(const DataType& type, const std::vector<const Column*>& sources,
                 const std::vector<Pick>& picks) {
  const auto n = static_cast<int64_t>(picks.size());
  Column::Parts p;
  p.type = type;
  p.length = n;
  auto is_null = [&](const Pick& k) {
    return k.source < 0 || sources[static_cast<size_t>(k.source)]->IsNull(k.row);
  };
  bool any_null = type.is_null();
  for (const Pick& k : picks) any_null = any_null || is_null(k);
  if (any_null) {
    const size_t words = BitmapWords(n);
    p.validity = AllocateBuffer(words * 8);
    p.validity->Resize(words * 8);
    uint64_t* bits = p.validity->as<uint64_t>();
    if (words > 0) std::memset(bits, 0, words * 8);
    if (!type.is_null()) {
      for (int64_t i = 0; i < n; ++i) {
        if (!is_null(picks[static_cast<size_t>(i)])) SetBit(bits, i);
      }
    }
  }
  switch (type.id()) {
    case TypeId::kNull:
      break;
    case TypeId::kStruct: {
      // The fields of a NULL struct are NULL, as StructBuilder::AppendNull makes them.
      // (The picks are copied only when some must become NULL.)
      std::vector<Pick> nulled;
      if (any_null) {
        nulled = picks;
        for (Pick& k : nulled) {
          if (is_null(k)) k.source = -1;
        }
      }
      const std::vector<Pick>& inner = any_null ? nulled : picks;
      for (int f = 0; f < static_cast<int>(type.fields().size()); ++f) {
        std::vector<const Column*> children;
        for (const Column* c : sources) children.push_back(c->child(f).get());
        p.children.push_back(Gather(type.fields()[static_cast<size_t>(f)].type, children, inner));
      }
      break;
    }
    case TypeId::kArray:
    case TypeId::kMap: {
      p.values = AllocateBuffer(static_cast<size_t>(n + 1) * sizeof(int32_t));
      p.values->Resize(static_cast<size_t>(n + 1) * sizeof(int32_t));
      int32_t* off = p.values->as<int32_t>();
      std::vector<Pick> inner;
      off[0] = 0;
      for (int64_t i = 0; i < n; ++i) {
        const Pick& k = picks[static_cast<size_t>(i)];
        if (!is_null(k)) {
          const int32_t* src_off = sources[static_cast<size_t>(k.source)]->offsets();
          for (int32_t e = src_off[k.row]; e < src_off[k.row + 1]; ++e) {
            inner.push_back({k.source, static_cast<uint32_t>(e)});
          }
        }
        off[i + 1] = static_cast<int32_t>(inner.size());
      }
      const int num_children = type.id() == TypeId::kMap ? 2 : 1;
      for (int c = 0; c < num_children; ++c) {
        std::vector<const Column*> children;
        for (const Column* s : sources) children.push_back(s->child(c).get());
        const DataType& child_type = type.id() == TypeId::kMap
                                         ? (c == 0 ? type.key_type() : type.value_type())
                                         : type.element_type();
        p.children.push_back(Gather(child_type, children, inner));
      }
      break;
    }
    default: {
      const auto width = static_cast<size_t>(type.byte_width());
      p.values = AllocateBuffer(static_cast<size_t>(n) * width);
      p.values->Resize(static_cast<size_t>(n) * width);
      char* out = p.values->as<char>();
      // The copy loop for one value width, fixed at compile time so that each copy
      // is a move or two rather than a call.
      auto copy = [&](auto width_constant) {
        constexpr size_t w = decltype(width_constant)::value;
        std::vector<const char*> base;
        for (const Column* src : sources) {
          const BufferPtr& values = src->values_buffer();
          base.push_back(values != nullptr ? values->as<char>() : nullptr);
        }
        for (int64_t i = 0; i < n; ++i) {
          const Pick& k = picks[static_cast<size_t>(i)];
          char* dst = out + static_cast<size_t>(i) * w;
          const char* src = k.source < 0 ? nullptr : base[static_cast<size_t>(k.source)];
          if (src == nullptr) {
            std::memset(dst, 0, w);  // a NULL row: a zero value (an empty StringRef)
          } else {
            std::memcpy(dst, src + k.row * w, w);
          }
        }
      };
      switch (width) {
        case 1:
          copy(std::integral_constant<size_t, 1>());
          break;
        case 4:
          copy(std::integral_constant<size_t, 4>());
          break;
        case 8:
          copy(std::integral_constant<size_t, 8>());
          break;
        case 16:
          copy(std::integral_constant<size_t, 16>());
          break;
        default:
          for (int64_t i = 0; i < n; ++i) {
            const Pick& k = picks[static_cast<size_t>(i)];
            char* dst = out + static_cast<size_t>(i) * width;
            if (k.source < 0) {
              std::memset(dst, 0, width);
            } else {
              const Column* src = sources[static_cast<size_t>(k.source)];
              std::memcpy(dst, src->values_buffer()->as<char>() + k.row * width, width);
            }
          }
          break;
      }
      if (type.id() == TypeId::kString || type.id() == TypeId::kBinary) {
        // StringRefs still point into the sources' buffers: share them.
        for (const Column* src : sources) {
          for (const BufferPtr& b : src->string_data()) {
            if (std::find(p.string_data.begin(), p.string_data.end(), b) == p.string_data.end()) {
              p.string_data.push_back(b);
            }
          }
        }
      }
      break;
    }
  }
  return Column::Make(std::move(p));
}

}  // namespace weir::collection_internal
