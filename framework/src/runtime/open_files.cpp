#include "candar/runtime/open_files.hpp"

#include <sys/resource.h>

#include <algorithm>

namespace candar {

std::uint64_t raise_open_files_limit() noexcept {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return 0;
  // select() cannot take descriptors past 1024, but nothing of candar's uses it (Asio's reactor is epoll).
  rlim_t const wanted = limit.rlim_max == RLIM_INFINITY ? rlim_t{1} << 20 : std::min(limit.rlim_max, rlim_t{1} << 20);
  if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < wanted) {
    rlimit raised = limit;
    raised.rlim_cur = wanted;
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  return limit.rlim_cur == RLIM_INFINITY ? UINT64_MAX : static_cast<std::uint64_t>(limit.rlim_cur);
}

}  // namespace candar
