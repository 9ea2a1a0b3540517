#include "support/headless_chromium.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>

extern char** environ;

namespace candar::test {

namespace {

constexpr char const* chromium_path = "/usr/bin/chromium";

std::string read_all(std::string const& file) {
  std::ifstream in(file);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

rendered_page render_in_chromium(std::string const& html_file) {
  return render_url_in_chromium("file://" + std::filesystem::absolute(html_file).string());
}

rendered_page render_url_in_chromium(std::string const& url) {
  rendered_page page;
  if (access(chromium_path, X_OK) != 0) {
    page.failure =
        std::string(chromium_path) + " is not installed: `bash scripts/setup.sh test` installs Debian's chromium";
    return page;
  }
  static std::atomic<int> n{0};
  auto const dir = std::filesystem::temp_directory_path() /
                   ("candar-chromium-" + std::to_string(getpid()) + "-" + std::to_string(n++));
  std::filesystem::create_directories(dir);
  auto const dom_file = (dir / "dom.html").string();
  auto const log_file = (dir / "log.txt").string();
  // The flags a root sandbox without a network needs (see .library/env): no sandbox, no GPU, and none of the
  // background connections that this machine refuses.
  std::vector<std::string> argv = {"/usr/bin/timeout",
                                   "60",
                                   chromium_path,
                                   "--headless",
                                   "--no-sandbox",
                                   "--disable-gpu",
                                   "--disable-quic",
                                   "--no-first-run",
                                   "--disable-background-networking",
                                   "--disable-component-update",
                                   "--disable-sync",
                                   "--user-data-dir=" + (dir / "profile").string(),
                                   "--enable-logging=stderr",
                                   "--v=0",
                                   "--ignore-certificate-errors",
                                   "--dump-dom",
                                   url};
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, dom_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, log_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  pid_t pid = -1;
  int const spawned = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) {
    page.failure = "could not start chromium";
    return page;
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  page.dom = read_all(dom_file);
  auto const log = read_all(log_file);
  std::istringstream lines(log);
  for (std::string line; std::getline(lines, line);) {
    if (auto const at = line.find(":CONSOLE"); at != std::string::npos) {
      auto const text = line.find("] ", at);
      page.console.push_back(text == std::string::npos ? line : line.substr(text + 2));
    }
  }
  page.ran = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  if (!page.ran) page.failure = "chromium failed (status " + std::to_string(status) + "):\n" + log;
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  return page;
}

}  // namespace candar::test
