#pragma once
// Starting coroutines under a context.
#include <chrono>
#include <exception>
#include <functional>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "candar/context/context.hpp"

namespace candar {

// Runs `work` on `ex`. When `ctx` ends, whatever `work` is awaiting is canceled (terminal cancellation), and each
// later co_await in it throws operation_aborted, so it stops promptly even if it never looks at ctx. If ctx has
// already ended, `work` is not started (not even its first line runs). `done` always runs, on `ex`, with what
// escaped `work` (null if nothing): put bookkeeping that must happen there, not in `work`.
void spawn(boost::asio::any_io_executor const& ex, context const& ctx, boost::asio::awaitable<void> work,
           std::function<void(std::exception_ptr)> done);

// True when `e` is the operation_aborted that canceled work sees (as an exception from co_await).
[[nodiscard]] bool is_cancellation(std::exception_ptr const& e) noexcept;
// What an escaped exception says: its what(), or "unknown exception" for one that is not a std::exception.
[[nodiscard]] std::string exception_message(std::exception_ptr const& e);

// Waits for `duration` or until `ctx` ends, whichever comes first. True if the whole duration passed.
boost::asio::awaitable<bool> sleep(context const& ctx, std::chrono::steady_clock::duration duration);

// Waits until `ctx` ends.
boost::asio::awaitable<void> wait(context const& ctx);

}  // namespace candar
