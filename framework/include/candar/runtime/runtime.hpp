#pragma once
// N event loops, one thread each, sharing nothing: a virtual user lives on one loop for its whole life, so its
// state needs no locks. Work is spread over the loops round-robin.
#include <cstddef>
#include <exception>
#include <memory>
#include <optional>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

namespace candar {

class runtime {
 public:
  // threads == 0: one loop per hardware thread.
  explicit runtime(std::size_t threads = 0);
  ~runtime();
  runtime(runtime const&) = delete;
  runtime& operator=(runtime const&) = delete;

  [[nodiscard]] std::size_t size() const noexcept;
  [[nodiscard]] boost::asio::any_io_executor executor(std::size_t loop) const;
  // The next loop's executor, round-robin: how new virtual users are spread.
  [[nodiscard]] boost::asio::any_io_executor next_executor() noexcept;

  // The index of the loop the calling thread runs, if it is one of a runtime's.
  [[nodiscard]] static std::optional<std::size_t> current_loop() noexcept;
  // The executor of the loop the calling thread runs: every loop is one thread, so code running on a loop (a
  // scenario, a worker's iteration) finds its executor without being handed one. Throws std::logic_error on a
  // thread that runs no loop of a runtime.
  [[nodiscard]] static boost::asio::any_io_executor current_executor();

  // Runs `work` on loop 0 and blocks until it finishes; rethrows what escaped it.
  void run(boost::asio::awaitable<void> work);

  // Stops the loops and joins their threads (the destructor does this too).
  void stop();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace candar
