// Helpers shared by the files of the Session.

#pragma once

#include <string>
#include <vector>

#include "weir/api/session.h"

namespace weir::api {

// A result of STRING columns named `names` holding `rows` (each row one string per
// column): what SET, SHOW, DESCRIBE and EXPLAIN return.
StatementResult StringRows(const std::vector<std::string>& names,
                           const std::vector<std::vector<std::string>>& rows);

}  // namespace weir::api
