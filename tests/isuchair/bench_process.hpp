#pragma once
// isuchair-webapp and isuchair-bench as the tests start them: the built executables, as child processes.
#include <unistd.h>

#include <csignal>

#include <atomic>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/child_process.hpp"

namespace isuchair::test {

using candar::test::child_process;
using nlohmann::json;

inline std::string temp_path(std::string const& name) {
  static std::atomic<int> n{0};
  return ::testing::TempDir() + "isuchair-" + std::to_string(getpid()) + "-" + std::to_string(n++) + "-" + name;
}

// The reference webapp on a free port, with its own database file.
class webapp {
 public:
  explicit webapp(std::vector<std::string> extra = {}) : webapp(std::move(extra), temp_path("db.sqlite")) {}
  // On a given database file: a webapp started again on it is the same webapp after a restart.
  webapp(std::vector<std::string> extra, std::string const& db) {
    std::vector<std::string> argv = {ISUCHAIR_WEBAPP_BIN, "--listen", "127.0.0.1:0", "--db", db};
    argv.insert(argv.end(), extra.begin(), extra.end());
    process_.emplace(argv);
    auto const line = process_->wait_for("listening on ");
    if (!line) throw std::runtime_error("the webapp did not start: " + process_->output());
    url_ = line->substr(line->find("http://"));
    while (!url_.empty() && (url_.back() == '/' || url_.back() == '\r')) url_.pop_back();
  }
  [[nodiscard]] std::string const& url() const { return url_; }
  // Stops it as a machine's shutdown would (SIGTERM) and waits until it has gone.
  void stop() {
    process_->signal(SIGTERM);
    process_->wait();
    process_.reset();
  }

 private:
  std::optional<child_process> process_;
  std::string url_;
};

struct bench_run {
  int exit_code = -1;
  std::string out;
  json result;
};

inline std::vector<std::string> bench_argv(std::string const& target, std::string const& result_file,
                                           std::vector<std::string> const& extra) {
  std::vector<std::string> argv = {ISUCHAIR_BENCH_BIN, "--target", target,      "--result", result_file,
                                   "--progress",       "plain",    "--threads", "2"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return argv;
}

inline bench_run run_bench(std::string const& target, std::vector<std::string> const& extra) {
  auto const file = temp_path("result.json");
  child_process bench(bench_argv(target, file, extra));
  bench_run r;
  r.exit_code = bench.wait();
  r.out = bench.output();
  std::ifstream in(file);
  if (in) r.result = json::parse(in, nullptr, false);
  return r;
}

// A short run: a few seconds of load, the refresh after one.
// 727022 as "727,022", as the benchmarker writes scores.
inline std::string thousands(std::int64_t n) {
  std::string digits = std::to_string(n), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

inline std::vector<std::string> const short_run = {"--duration", "4", "--refresh-after", "1", "--adjust-every", "1"};

// Whether any of the first messages kept per code (the result's errors.first_messages) holds `text`.
inline bool some_message_holds(json const& errors, std::string const& text) {
  for (auto const& [code, messages] : errors.at("first_messages").items()) {
    for (auto const& m : messages) {
      if (m.get<std::string>().find(text) != std::string::npos) return true;
    }
  }
  return false;
}

// A parameterized test's name from its case's fault switch ("wrong-chairs" -> "wrong_chairs").
template <class Case>
std::string switch_name(::testing::TestParamInfo<Case> const& info) {
  auto name = info.param.fault;
  for (auto& ch : name) ch = ch == '-' ? '_' : ch;
  return name;
}

}  // namespace isuchair::test
