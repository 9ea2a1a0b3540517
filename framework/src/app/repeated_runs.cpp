#include "repeated_runs.hpp"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

extern char** environ;

namespace candar::detail {

nlohmann::json repeat_summary::to_json() const {
  return {{"runs", scores.size()}, {"scores", scores}, {"median", median},
          {"min", min},            {"max", max},       {"spread_percent", spread_percent}};
}

repeat_summary summarize(std::vector<std::int64_t> scores) {
  repeat_summary s;
  s.scores = scores;
  if (scores.empty()) return s;
  std::sort(scores.begin(), scores.end());
  auto const n = scores.size();
  // The median of an even count: the mean of the middle two, rounded down.
  s.median = n % 2 == 1 ? scores[n / 2] : (scores[n / 2 - 1] + scores[n / 2]) / 2;
  s.min = scores.front();
  s.max = scores.back();
  s.spread_percent = s.median > 0 ? static_cast<double>(s.max - s.min) / static_cast<double>(s.median) * 100.0 : 0.0;
  return s;
}

std::vector<std::string> child_arguments(std::vector<std::string> const& args, std::string const& result_file) {
  static std::vector<std::string> const parents = {"--repeat", "--result", "--baseline", "--max-drop", "--gate-p99", "--report-fd"};
  std::vector<std::string> out;
  for (std::size_t i = 0; i < args.size(); ++i) {
    auto const& a = args[i];
    bool dropped = false;
    for (auto const& p : parents) {
      if (a == p) {
        ++i;  // and its value
        dropped = true;
      } else if (a.starts_with(p + "=")) {
        dropped = true;
      }
    }
    if (!dropped) out.push_back(a);
  }
  out.push_back("--result");
  out.push_back(result_file);
  return out;
}

int run_self(std::vector<std::string> const& args) {
  std::vector<char*> argv;
  std::string self = "/proc/self/exe";
  argv.push_back(self.data());
  for (auto const& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = 0;
  if (posix_spawn(&pid, "/proc/self/exe", nullptr, nullptr, argv.data(), environ) != 0) return -1;
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace candar::detail
