#pragma once
// A cancellation signal plus a deadline that travels with every call, like Go's context.Context.
// Copies share one state; a child made with with_cancel()/with_deadline() ends when its parent ends, never the
// other way round. A context ends once, for one reason: canceled (cancel()) or timeout (its deadline passed).
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>

#include <boost/asio/any_io_executor.hpp>

namespace candar {

enum class stop_reason : std::uint8_t { none, canceled, timeout };

// The error code of a stop reason: "canceled" or "timeout" (empty for none).
std::string_view to_code(stop_reason r) noexcept;

namespace detail {
struct context_state;
}

class context {
 public:
  using clock = std::chrono::steady_clock;

  // Unsubscribes on destruction. After that the callback is never called again and is not running: a call
  // under way on another thread is waited for (std::stop_callback's guarantee), so the callback may capture
  // `this` of the subscription's owner. Unsubscribing from inside the callback itself does not wait.
  class subscription {
   public:
    subscription() = default;
    subscription(subscription&&) noexcept;
    subscription& operator=(subscription&&) noexcept;
    subscription(subscription const&) = delete;
    subscription& operator=(subscription const&) = delete;
    ~subscription();
    // Unsubscribes now (waiting for a call under way on another thread, as above).
    void reset() noexcept;

   private:
    friend class context;
    friend struct detail::context_state;
    subscription(std::weak_ptr<detail::context_state> state, std::uint64_t id) : state_(std::move(state)), id_(id) {}
    std::weak_ptr<detail::context_state> state_;
    std::uint64_t id_ = 0;
  };

  // A context that never ends by itself (cancel() still ends it).
  context();
  static context background() { return context(); }

  [[nodiscard]] context with_cancel() const;
  // The deadline's timer runs on `timer_executor` (a runtime loop's). The loop may be destroyed before the
  // context ends, and right after it sees the context end, by any thread: the timer is released first.
  [[nodiscard]] context with_deadline(boost::asio::any_io_executor const& timer_executor,
                                      clock::time_point deadline) const;
  [[nodiscard]] context with_timeout(boost::asio::any_io_executor const& timer_executor, clock::duration timeout) const;

  // Ends this context and its descendants with reason canceled. Any thread; a second call does nothing.
  void cancel() const;

  [[nodiscard]] bool done() const noexcept { return reason() != stop_reason::none; }
  // none while running. A passed deadline reads as timeout even before its timer has fired.
  [[nodiscard]] stop_reason reason() const noexcept;
  [[nodiscard]] std::optional<clock::time_point> deadline() const noexcept;
  // Time left before the deadline (never negative); nullopt without a deadline.
  [[nodiscard]] std::optional<clock::duration> remaining() const noexcept;

  // Calls `on_end` once when the context ends, on the thread that ends it; at once, on this thread, if it has
  // already ended. Keep callbacks short and non-throwing: they run with other subscribers waiting.
  [[nodiscard]] subscription on_done(std::function<void(stop_reason)> on_end) const;

 private:
  explicit context(std::shared_ptr<detail::context_state> state) : state_(std::move(state)) {}
  std::shared_ptr<detail::context_state> state_;
};

}  // namespace candar
