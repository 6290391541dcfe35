// The reporter every micro-benchmark runs with: Google Benchmark's usual table, plus
// each benchmark's counters remembered, so main() can print weir's ratio to a
// baseline measured in the same run (docs/development.md, "Benchmarks").
//
// Thread-safety: used by the benchmark runner's thread only.

#pragma once

#include <map>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

namespace weir {

class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& r : runs) {
      // Found by its function name, and with "/args" for benchmarks with arguments.
      std::vector<std::string> names = {r.run_name.function_name};
      if (!r.run_name.args.empty()) names.push_back(names[0] + "/" + r.run_name.args);
      for (const std::string& name : names) {
        for (const auto& [counter, value] : r.counters) counters_[name][counter] = value.value;
      }
    }
  }

  // The benchmark's `counter` (0 when there is none).
  double Counter(const std::string& name, const std::string& counter) const {
    auto it = counters_.find(name);
    if (it == counters_.end()) return 0;
    auto c = it->second.find(counter);
    return c == it->second.end() ? 0 : c->second;
  }
  // Its items per second.
  double Rate(const std::string& name) const { return Counter(name, "items_per_second"); }

 private:
  std::map<std::string, std::map<std::string, double>> counters_;
};

}  // namespace weir
