#include "report_stream.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace candar::detail {

report_stream::report_stream(int fd) : fd_(fd) {
  int const flags = fd < 0 ? -1 : fcntl(fd, F_GETFL);
  if (flags < 0) throw std::invalid_argument("descriptor " + std::to_string(fd) + " is not open");
  if ((flags & O_ACCMODE) == O_RDONLY) throw std::invalid_argument("descriptor " + std::to_string(fd) + " is not open for writing");
  std::signal(SIGPIPE, SIG_IGN);  // a portal that hangs up gets EPIPE on the next line, not a dead benchmarker
}

void report_stream::write(nlohmann::json const& line) noexcept {
  if (broken_) return;
  std::string text;
  try {
    text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  } catch (...) {
    return;  // out of memory: the line is lost, the run goes on
  }
  std::size_t done = 0;
  while (done < text.size()) {
    auto const n = ::write(fd_, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      broken_ = true;  // the reader went away (EPIPE) or the descriptor broke: stop writing
      return;
    }
    done += static_cast<std::size_t>(n);
  }
}

}  // namespace candar::detail
