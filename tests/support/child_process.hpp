#pragma once
// A program started by a test: its stdout (and stderr) read line by line through a pipe, a signal sent to it,
// its exit code awaited. The destructor kills and reaps it, so a failing test leaves no process behind.
#include <optional>
#include <string>
#include <vector>

namespace candar::test {

class child_process {
 public:
  explicit child_process(std::vector<std::string> const& argv);
  ~child_process();
  child_process(child_process const&) = delete;
  child_process& operator=(child_process const&) = delete;

  // The next line of output, or nullopt at its end (the program closed its output or exited).
  std::optional<std::string> read_line();
  // Reads lines until one contains `text`; returns it, or nullopt if the output ended first.
  std::optional<std::string> wait_for(std::string const& text);
  // Everything read so far.
  [[nodiscard]] std::string const& output() const noexcept { return seen_; }
  void signal(int sig);
  // Reads the rest of the output and waits: the exit code, or -1 when a signal ended it.
  int wait();
  // After wait(): the most memory the program held at once (its peak resident set), in KiB.
  [[nodiscard]] long peak_rss_kb() const noexcept { return peak_rss_kb_; }

 private:
  int pid_ = -1;
  int fd_ = -1;
  std::string buffer_;
  std::string seen_;
  std::optional<int> status_;
  long peak_rss_kb_ = 0;
};

}  // namespace candar::test
