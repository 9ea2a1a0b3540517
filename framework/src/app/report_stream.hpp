#pragma once
// JSON lines of the run on a descriptor the caller inherited (--report-fd N, or CANDAR_REPORT_FD=N), for a
// contest portal or a CI log, as ISUCON's portal reads its benchmarker: an intermediate line when a phase
// begins and every few seconds ({"final": false, ...}) and the whole result as the last line ({"final": true}).
//
// The reader is someone else's program, so nothing it does may stop, kill or hang the run:
// - a writer thread of its own does the blocking writes; the run only queues lines;
// - a reader that falls behind loses intermediate lines (the oldest first), never the final one;
// - a reader that stops reading gets `final_wait` to take the final line, then the run ends without it;
// - a reader that goes away (EPIPE: SIGPIPE is ignored) makes every later line a no-op.
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include <nlohmann/json_fwd.hpp>

namespace candar::detail {

class report_stream {
 public:
  // Throws std::invalid_argument (a usage error) when `fd` is not open for writing.
  explicit report_stream(int fd, std::chrono::milliseconds final_wait = std::chrono::seconds(10));
  ~report_stream();
  report_stream(report_stream const&) = delete;
  report_stream& operator=(report_stream const&) = delete;

  // Queues an intermediate line; any thread.
  void write(nlohmann::json const& line) noexcept;
  // Queues the last line and waits, at most `wait` (the constructor's final_wait when unset), until it is written.
  // False when the reader did not take it or had gone. Lines written after it are dropped.
  bool finish(nlohmann::json const& line, std::chrono::milliseconds wait = std::chrono::milliseconds(-1)) noexcept;
  [[nodiscard]] bool broken() const noexcept;

 private:
  struct state;
  std::shared_ptr<state> state_;  // shared with the writer thread, which may outlive this object when abandoned
  std::chrono::milliseconds final_wait_;
  std::thread writer_;
};

}  // namespace candar::detail
