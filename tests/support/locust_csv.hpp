#pragma once
// Reading what a Locust master writes with --csv PREFIX: PREFIX_stats.csv has a row per (method, name) and an
// "Aggregated" row, with columns Type, Name, Request Count, Failure Count, ..., Average Content Size (8), ...
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace candar::test {

// The columns of the row whose Name is `name`, or none. (Locust's names here have no commas.)
inline std::vector<std::string> locust_stats_row(std::filesystem::path const& stats_csv, std::string const& name) {
  std::ifstream in(stats_csv);
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> cols;
    std::stringstream ss(line);
    std::string col;
    while (std::getline(ss, col, ',')) cols.push_back(col);
    if (cols.size() > 3 && cols[1] == name) return cols;
  }
  return {};
}

}  // namespace candar::test
