#pragma once
// An agent's connections, per origin (scheme, host, port): idle ones kept for keep-alive, at most
// max_connections_per_origin open at once, and requests beyond that queued until one is free or their deadline
// passes, as a browser queues its seventh request to a host. An origin that speaks HTTP/2 gets one connection
// that every request shares; while the first connection to an origin that may speak it opens, the others wait
// to learn whether it does, as Chromium does.
#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include "candar/agent/agent_options.hpp"
#include "candar/failure/expected.hpp"
#include "connection.hpp"
#include "h2_session.hpp"

namespace candar::detail {

class deadline_watch;

struct origin_pool {
  std::vector<std::unique_ptr<connection>> idle;
  std::size_t open = 0;  // busy + idle
  // A vector, not a deque: libstdc++'s deque allocates 512 bytes up front, per origin, per agent.
  std::vector<std::shared_ptr<boost::asio::steady_timer>> waiters;
  std::shared_ptr<h2_session> h2;  // the origin's HTTP/2 connection, while it takes requests
  bool negotiating = false;        // a connection that may turn out HTTP/2 is opening
  bool http1_only = false;         // the origin declined h2 in ALPN
};

// A connection lent to one request, or the origin's HTTP/2 connection it shares.
struct lease {
  std::unique_ptr<connection> conn;
  std::shared_ptr<h2_session> h2;
  bool reused = false;
  std::chrono::steady_clock::duration connect_time{};  // opening it, the name's lookup included
};

class connection_pool {
 public:
  connection_pool(boost::asio::any_io_executor ex, agent_options const& options, deadline_watch& deadlines)
      : ex_(std::move(ex)), options_(options), deadlines_(deadlines) {}
  ~connection_pool();
  connection_pool(connection_pool const&) = delete;
  connection_pool& operator=(connection_pool const&) = delete;

  // The pool of an origin, made when first asked for. Its address stays valid as long as this pool.
  origin_pool& of(bool https, std::string_view host, std::string_view port);

  // An idle connection or the origin's HTTP/2 one, without a coroutine frame: the common case of a keep-alive load.
  [[nodiscard]] static std::optional<lease> take_idle(origin_pool& pool);
  // An idle connection, a new one, or one that another request gives back before `deadline`.
  boost::asio::awaitable<expected<lease>> acquire(origin_pool& pool, std::string const& host, std::string const& port,
                                                  bool tls, std::chrono::steady_clock::time_point deadline);
  // Back to the pool for the next request.
  void release(origin_pool& pool, std::unique_ptr<connection> c);
  // Closed and forgotten (`c` may be null: it never opened).
  void discard(origin_pool& pool, std::unique_ptr<connection> const& c);
  // Closes the idle connections, and the HTTP/2 ones that carry no request.
  void close_idle();

  [[nodiscard]] std::size_t opened() const noexcept { return opened_; }
  [[nodiscard]] std::size_t idle() const noexcept;

 private:
  void wake_one(origin_pool& pool);
  static void wake_all(origin_pool& pool);
  [[nodiscard]] bool may_speak_h2(bool tls) const noexcept;
  // The origin's HTTP/2 connection, started on `c`: every waiter shares it.
  lease share_h2(origin_pool& pool, std::unique_ptr<connection> c, std::chrono::steady_clock::duration connect_time);

  boost::asio::any_io_executor ex_;
  agent_options const& options_;
  deadline_watch& deadlines_;
  std::map<std::string, origin_pool, std::less<>> pools_;
  std::string key_;  // scratch for finding a pool, kept to reuse its buffer
  std::size_t opened_ = 0;
};

}  // namespace candar::detail
