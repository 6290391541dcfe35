// The public C++ API of weir. Include this one header and link the `weir` library.
//
// What is here today: Status and Result, the SQL data types, schemas, columns,
// batches and their builders, and rendering of batches as Spark's show() table,
// CSV and JSON lines. The Session/DataFrame/StreamingQuery API arrives with the
// engine.

#pragma once

#include "weir/common/result.h"
#include "weir/common/status.h"
#include "weir/types/batch.h"
#include "weir/types/builder.h"
#include "weir/types/data_type.h"
#include "weir/types/render.h"
#include "weir/types/schema.h"
#include "weir/types/value.h"

namespace weir {

// The version of the library, "MAJOR.MINOR.PATCH".
inline constexpr const char* kVersion = "0.1.0";

}  // namespace weir
