#pragma once
// What the guide's tests read: a file whole, and the guide contest's static folder.
#include <fstream>
#include <sstream>
#include <string>

namespace candar::test {

inline std::string read_file(std::string const& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline std::string const tinysns_assets = std::string(CANDAR_SOURCE_DIR) + "/benchmarker/tinysns/static";

}  // namespace candar::test
