#include "repeated_runs.hpp"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <csignal>

extern char** environ;

namespace candar::detail {

namespace {
std::atomic<pid_t> running_child{0};
volatile std::sig_atomic_t stop_signal = 0;

extern "C" void pass_on(int sig) {
  stop_signal = sig;
  pid_t const child = running_child.load();
  if (child > 0) kill(child, sig);
}
}  // namespace

void forward_stop_signals() {
  struct sigaction a {};
  a.sa_handler = &pass_on;
  sigemptyset(&a.sa_mask);
  sigaction(SIGINT, &a, nullptr);
  sigaction(SIGTERM, &a, nullptr);
}

bool stop_requested() noexcept { return stop_signal != 0; }

nlohmann::json repeat_summary::to_json() const {
  return {{"runs", scores.size()},           {"scores", scores}, {"median", median}, {"min", min}, {"max", max},
          {"spread_percent", spread_percent}};
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
  static std::vector<std::string> const parents = {"--repeat",   "--result",    "--baseline", "--max-drop",
                                                   "--gate-p99", "--report-fd", "--report"};
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
  out.emplace_back("--result");
  out.push_back(result_file);
  return out;
}

int run_self(std::vector<std::string> const& args) {
  std::vector<char*> argv;
  std::string self = "/proc/self/exe";
  argv.push_back(self.data());
  for (auto const& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGINT);
  sigaddset(&defaults, SIGTERM);
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  posix_spawnattr_setpgroup(&attributes, 0);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF);
  pid_t pid = 0;
  int const spawned = posix_spawn(&pid, "/proc/self/exe", nullptr, &attributes, argv.data(), environ);
  posix_spawnattr_destroy(&attributes);
  if (spawned != 0) return -1;
  running_child.store(pid);
  if (stop_signal != 0) kill(pid, stop_signal);  // a signal that came while it was being started
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) {
      running_child.store(0);
      return -1;
    }
  }
  running_child.store(0);
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace candar::detail
