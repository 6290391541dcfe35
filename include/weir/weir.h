// The public C++ API of weir. Include this one header and link the `weir` library.
//
//  - Status and Result: every fallible call returns one (no exceptions).
//  - The data model: SQL data types, schemas, values, columns, batches and their
//    builders, and rendering of batches as Spark's show() table, CSV and JSON lines.
//  - Session (session.h): SQL, batch reads of files, streams; DataFrame
//    (dataframe.h): queries as values; DataFrameReader (dataframe_reader.h);
//    KeyValueGroupedDataFrame and GroupState (group_state.h): arbitrary state;
//    DataStreamReader, DataStreamWriter, Trigger, StreamingQuery and MemoryStream
//    (streaming.h), shaped like Spark Structured Streaming.
//
// docs/api.md is the guide, with a complete example (examples/cpp/streaming.cc).

#pragma once

#include "weir/common/result.h"
#include "weir/common/status.h"
#include "weir/dataframe.h"
#include "weir/dataframe_reader.h"
#include "weir/group_state.h"
#include "weir/session.h"
#include "weir/streaming.h"
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
