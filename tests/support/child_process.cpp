#include "support/child_process.hpp"

#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <stdexcept>

namespace candar::test {

child_process::child_process(std::vector<std::string> const& argv) {
  int fds[2];
  if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
  std::vector<char*> args;
  for (auto const& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    dup2(fds[1], STDOUT_FILENO);
    dup2(fds[1], STDERR_FILENO);
    close(fds[0]);
    close(fds[1]);
    execv(args[0], args.data());
    _exit(127);
  }
  close(fds[1]);
  fd_ = fds[0];
}

child_process::~child_process() {
  if (!status_) {
    kill(pid_, SIGKILL);
    int st = 0;
    waitpid(pid_, &st, 0);
  }
  if (fd_ >= 0) close(fd_);
}

std::optional<std::string> child_process::read_line() {
  for (;;) {
    auto const nl = buffer_.find('\n');
    if (nl != std::string::npos) {
      auto line = buffer_.substr(0, nl);
      buffer_.erase(0, nl + 1);
      return line;
    }
    char chunk[4096];
    auto const n = ::read(fd_, chunk, sizeof chunk);
    if (n <= 0) {
      if (buffer_.empty()) return std::nullopt;
      auto line = std::move(buffer_);
      buffer_.clear();
      return line;
    }
    buffer_.append(chunk, static_cast<std::size_t>(n));
    seen_.append(chunk, static_cast<std::size_t>(n));
  }
}

std::optional<std::string> child_process::wait_for(std::string const& text) {
  while (auto line = read_line()) {
    if (line->find(text) != std::string::npos) return line;
  }
  return std::nullopt;
}

void child_process::signal(int sig) { kill(pid_, sig); }

int child_process::wait() {
  while (read_line()) {
  }
  if (!status_) {
    int st = 0;
    rusage usage{};
    wait4(pid_, &st, 0, &usage);
    status_ = st;
    peak_rss_kb_ = usage.ru_maxrss;
  }
  return WIFEXITED(*status_) ? WEXITSTATUS(*status_) : -1;
}

}  // namespace candar::test
