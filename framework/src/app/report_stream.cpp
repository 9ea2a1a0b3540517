#include "report_stream.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <csignal>
#include <deque>
#include <mutex>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace candar::detail {

namespace {
// Lines waiting for a slow reader; past this the oldest intermediate one goes.
constexpr std::size_t max_queued = 8;
}  // namespace

struct report_stream::state {
  int fd;
  std::mutex m;
  std::condition_variable changed;
  std::deque<std::string> queue;
  bool final_queued = false;  // the last line is in the queue (it is its last element)
  bool final_written = false;
  bool broken = false;   // a write failed: the reader went away
  bool closing = false;  // no more lines: the writer ends once the queue is empty
  bool writing = false;  // the writer is in write(), outside the lock

  explicit state(int f) : fd(f) {}

  // Whole or not at all; false when the descriptor broke.
  bool write_all(std::string const& text) const {
    std::size_t done = 0;
    while (done < text.size()) {
      auto const n = ::write(fd, text.data() + done, text.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      done += static_cast<std::size_t>(n);
    }
    return true;
  }

  void run() {
    std::unique_lock lock(m);
    for (;;) {
      changed.wait(lock, [&] { return !queue.empty() || closing; });
      if (queue.empty()) return;
      auto text = std::move(queue.front());
      queue.pop_front();
      bool const is_final = final_queued && queue.empty();
      writing = true;
      lock.unlock();
      bool const ok = write_all(text);
      lock.lock();
      writing = false;
      if (!ok) {
        broken = true;
        queue.clear();
      }
      // (a broken descriptor also ends the wait of finish() and of the destructor)
      if (is_final) final_written = ok;
      changed.notify_all();
    }
  }
};

namespace {

std::string text_of(nlohmann::json const& line) {
  return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace

report_stream::report_stream(int fd, std::chrono::milliseconds final_wait) : final_wait_(final_wait) {
  int const flags = fd < 0 ? -1 : fcntl(fd, F_GETFL);
  if (flags < 0) throw std::invalid_argument("descriptor " + std::to_string(fd) + " is not open");
  if ((flags & O_ACCMODE) == O_RDONLY)
    throw std::invalid_argument("descriptor " + std::to_string(fd) + " is not open for writing");
  std::signal(SIGPIPE, SIG_IGN);  // a portal that hangs up gets EPIPE on the next line, not a dead benchmarker
  state_ = std::make_shared<state>(fd);
  writer_ = std::thread([s = state_] { s->run(); });
}

report_stream::~report_stream() {
  bool drained = false;
  {
    std::unique_lock lock(state_->m);
    state_->closing = true;
    state_->changed.notify_all();
    // What is queued gets a moment; a reader that takes nothing does not hold the process.
    auto const idle = [&] { return (state_->queue.empty() && !state_->writing) || state_->broken; };
    state_->changed.wait_for(lock, std::chrono::seconds(1), idle);
    drained = idle();
  }
  // A writer still blocked in write() is left to the process's exit; it holds its own share of the state.
  if (drained) {
    writer_.join();
  } else {
    writer_.detach();
  }
}

void report_stream::write(nlohmann::json const& line) noexcept {
  try {
    auto text = text_of(line);
    std::lock_guard lock(state_->m);
    if (state_->broken || state_->closing || state_->final_queued) return;
    if (state_->queue.size() >= max_queued) state_->queue.pop_front();  // behind: the newest state matters more
    state_->queue.push_back(std::move(text));
    state_->changed.notify_all();
  } catch (...) {
    // out of memory: the line is lost, the run goes on
  }
}

bool report_stream::finish(nlohmann::json const& line, std::chrono::milliseconds wait) noexcept {
  if (wait.count() < 0) wait = final_wait_;
  try {
    auto text = text_of(line);
    std::unique_lock lock(state_->m);
    if (state_->broken || state_->final_queued) return false;
    state_->queue.push_back(std::move(text));
    state_->final_queued = true;
    state_->closing = true;
    state_->changed.notify_all();
    state_->changed.wait_for(lock, wait, [&] { return state_->final_written || state_->broken; });
    return state_->final_written;
  } catch (...) {
    return false;
  }
}

bool report_stream::broken() const noexcept {
  std::lock_guard lock(state_->m);
  return state_->broken;
}

}  // namespace candar::detail
