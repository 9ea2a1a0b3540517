// isuchair-bench sharing its CPU with three busy programs: its own CPU use and its loops' lag stay low (a loop
// that waits for a CPU is not late by its own clock until it runs), but its threads wait for the CPU most of the
// time they are ready to run. The result and the console say so (not a verdict: a webapp on the same machine
// makes it wait as much, and the README's own command runs them side by side).
#include <gtest/gtest.h>

#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "isuchair/bench_process.hpp"

namespace isuchair {
namespace {

using nlohmann::json;
using namespace isuchair::test;

// A busy program on one CPU, for at most two minutes (SIGALRM), ended when this goes.
class spinner {
 public:
  explicit spinner(int cpu) {
    pid_ = fork();
    if (pid_ == 0) {
      cpu_set_t one;
      CPU_ZERO(&one);
      CPU_SET(cpu, &one);
      sched_setaffinity(0, sizeof one, &one);
      alarm(120);
      for (volatile unsigned long n = 0;; n = n + 1) {
      }
    }
  }
  spinner(spinner const&) = delete;
  spinner& operator=(spinner const&) = delete;
  ~spinner() {
    if (pid_ <= 0) return;
    kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
  }

 private:
  pid_t pid_ = -1;
};

int last_allowed_cpu() {
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  if (sched_getaffinity(0, sizeof allowed, &allowed) != 0) return 0;
  for (int c = CPU_SETSIZE - 1; c >= 0; --c) {
    if (CPU_ISSET(c, &allowed)) return c;
  }
  return 0;
}

TEST(isuchair_bench, a_benchmarker_whose_cpu_neighbours_take_says_so) {
  webapp app;
  int const cpu = last_allowed_cpu();
  std::vector<std::unique_ptr<spinner>> busy;
  for (int i = 0; i < 3; ++i) busy.push_back(std::make_unique<spinner>(cpu));
  auto const file = temp_path("starved.json");
  auto argv = bench_argv(app.url(), file, short_run);
  argv.insert(argv.begin(), {"/usr/bin/taskset", "-c", std::to_string(cpu)});  // util-linux, in every Debian
  child_process bench(argv);
  int const exit_code = bench.wait();
  busy.clear();
  std::ifstream in(file);
  auto const result = json::parse(in, nullptr, false);
  EXPECT_NE(exit_code, 3) << bench.output();
  ASSERT_TRUE(result.is_object()) << bench.output();
  EXPECT_GE(result.at("benchmarker").at("worst_cpu_wait_fraction").get<double>(), 0.5)
      << result.at("benchmarker").dump();
  EXPECT_NE(result.at("benchmarker").value("cpu_wait_warning", std::string()).find("waited for a CPU"),
            std::string::npos)
      << result.at("benchmarker").dump();
  EXPECT_NE(bench.output().find("warning: the benchmarker waited for a CPU"), std::string::npos) << bench.output();
}

}  // namespace
}  // namespace isuchair
