#pragma once
// JSON lines of the run on a descriptor the caller inherited (--report-fd N, or CANDAR_REPORT_FD=N), for a
// contest portal or a CI log, as ISUCON's portal reads its benchmarker: an intermediate line every few
// seconds ({"final": false, ...}) and the whole result as the last line ({"final": true, ...}).
// A reader that goes away does not stop or kill the run: SIGPIPE is ignored and the lines after are dropped.
#include <string>

#include <nlohmann/json_fwd.hpp>

namespace candar::detail {

class report_stream {
 public:
  // Throws std::invalid_argument (a usage error) when `fd` is not open for writing.
  explicit report_stream(int fd);
  // Writes `line` and a newline, whole; any thread, one at a time.
  void write(nlohmann::json const& line) noexcept;
  [[nodiscard]] bool broken() const noexcept { return broken_; }

 private:
  int fd_;
  bool broken_ = false;
};

}  // namespace candar::detail
