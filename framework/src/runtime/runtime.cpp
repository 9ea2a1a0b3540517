#include "candar/runtime/runtime.hpp"

#include <atomic>
#include <future>
#include <stdexcept>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

namespace candar {

namespace {
thread_local std::optional<std::size_t> this_thread_loop;
thread_local boost::asio::io_context* this_thread_io = nullptr;
}  // namespace

struct runtime::impl {
  using guard = boost::asio::executor_work_guard<boost::asio::io_context::executor_type>;
  struct loop {
    boost::asio::io_context io{1};  // concurrency hint 1: one thread runs it, so Asio can skip locking
    std::optional<guard> keep_alive{io.get_executor()};
  };
  std::vector<std::unique_ptr<loop>> loops;
  std::vector<std::thread> threads;
  std::atomic<std::size_t> next{0};
};

runtime::runtime(std::size_t threads) : impl_(std::make_unique<impl>()) {
  if (threads == 0) threads = std::max<std::size_t>(1, std::thread::hardware_concurrency());
  for (std::size_t i = 0; i < threads; ++i) impl_->loops.push_back(std::make_unique<impl::loop>());
  for (std::size_t i = 0; i < threads; ++i) {
    impl_->threads.emplace_back([this, i] {
      this_thread_loop = i;
      this_thread_io = &impl_->loops[i]->io;
      impl_->loops[i]->io.run();
      this_thread_io = nullptr;
    });
  }
}

runtime::~runtime() { stop(); }

std::size_t runtime::size() const noexcept { return impl_->loops.size(); }

boost::asio::any_io_executor runtime::executor(std::size_t loop) const {
  return impl_->loops.at(loop)->io.get_executor();
}

boost::asio::any_io_executor runtime::next_executor() noexcept {
  auto const i = impl_->next.fetch_add(1, std::memory_order_relaxed) % impl_->loops.size();
  return impl_->loops[i]->io.get_executor();
}

std::optional<std::size_t> runtime::current_loop() noexcept { return this_thread_loop; }

boost::asio::any_io_executor runtime::current_executor() {
  if (this_thread_io == nullptr) {
    throw std::logic_error(
        "no candar event loop runs on this thread: make agents inside a scenario (on a loop), "
        "or pass an executor");
  }
  return this_thread_io->get_executor();
}

void runtime::run(boost::asio::awaitable<void> work) {
  std::promise<void> finished;
  auto result = finished.get_future();
  boost::asio::co_spawn(executor(0), std::move(work), [&finished](std::exception_ptr const& e) {
    if (e) {
      finished.set_exception(e);
    } else {
      finished.set_value();
    }
  });
  result.get();
}

void runtime::stop() {
  for (auto& l : impl_->loops) {
    l->keep_alive.reset();
    l->io.stop();
  }
  for (auto& t : impl_->threads) {
    if (t.joinable()) t.join();
  }
}

}  // namespace candar
