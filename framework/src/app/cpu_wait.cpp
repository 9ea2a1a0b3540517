#include "cpu_wait.hpp"

#include <dirent.h>

#include <cstdio>

namespace candar::detail {

double process_cpu_wait_seconds() noexcept {
  DIR* tasks = opendir("/proc/self/task");
  if (tasks == nullptr) return 0;
  unsigned long long total_ns = 0;
  while (dirent const* e = readdir(tasks)) {
    if (e->d_name[0] == '.') continue;
    char path[64];
    if (std::snprintf(path, sizeof path, "/proc/self/task/%s/schedstat", e->d_name) >= static_cast<int>(sizeof path))
      continue;
    if (FILE* f = std::fopen(path, "r")) {
      // "<ns on the CPU> <ns waiting on a run queue> <time slices>"
      unsigned long long on_cpu = 0, waiting = 0;
      if (std::fscanf(f, "%llu %llu", &on_cpu, &waiting) == 2) total_ns += waiting;
      std::fclose(f);
    }
  }
  closedir(tasks);
  return static_cast<double>(total_ns) / 1e9;
}

}  // namespace candar::detail
