#include "connection_pool.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "candar/failure/codes.hpp"
#include "connector.hpp"
#include "deadline_watch.hpp"

namespace candar::detail {

namespace asio = boost::asio;
using clock_type = std::chrono::steady_clock;
using namespace std::string_view_literals;

origin_pool& connection_pool::of(bool https, std::string_view host, std::string_view port) {
  key_.assign(https ? "https://"sv : "http://"sv).append(host).append(":"sv).append(port);  // no allocation
  return pools_[key_];
}

connection_pool::~connection_pool() {
  // A request in flight holds the agent's state, and with it this pool: none is left. Closed, the sessions'
  // readers end and the sessions go.
  for (auto& [k, p] : pools_) {
    if (p.h2) p.h2->close();
  }
}

std::optional<lease> connection_pool::take_idle(origin_pool& pool) {
  if (pool.h2) {
    if (pool.h2->usable()) return lease{nullptr, pool.h2, pool.h2->carried_a_response(), {}};
    pool.h2->retire_if_done();  // gone away or broken: the requests still on it end on their own, then it closes
    pool.h2.reset();
    --pool.open;
  }
  if (pool.idle.empty()) return std::nullopt;
  auto c = std::move(pool.idle.back());
  pool.idle.pop_back();
  return lease{std::move(c), nullptr, true, {}};
}

bool connection_pool::may_speak_h2(bool tls) const noexcept {
  if (!options_.keep_alive) return false;
  return options_.http2 == http2_use::always || (options_.http2 == http2_use::over_tls && tls);
}

void connection_pool::wake_all(origin_pool& pool) {
  for (auto const& waiter : pool.waiters) waiter->cancel();
  pool.waiters.clear();
}

lease connection_pool::share_h2(origin_pool& pool, std::unique_ptr<connection> c, clock_type::duration connect_time) {
  deadlines_.unwatch(*c);  // each stream keeps its own deadline
  pool.h2 = h2_session::start(std::move(c), options_.limits.max_header_bytes);
  wake_all(pool);
  return lease{nullptr, pool.h2, false, connect_time};
}

void connection_pool::wake_one(origin_pool& pool) {
  // A waiter whose wait already ended (its deadline passed, or its request was canceled: the completion is
  // queued) cancels nothing and goes on to fail: the wake-up goes to the next one.
  while (!pool.waiters.empty()) {
    auto const woken = pool.waiters.front()->cancel();
    pool.waiters.erase(pool.waiters.begin());
    if (woken > 0) return;
  }
}

void connection_pool::release(origin_pool& pool, std::unique_ptr<connection> c) {
  deadlines_.unwatch(*c);
  pool.idle.push_back(std::move(c));
  wake_one(pool);
}

void connection_pool::discard(origin_pool& pool, std::unique_ptr<connection> const& c) {
  if (c) c->close();
  --pool.open;
  wake_one(pool);
}

void connection_pool::close_idle() {
  for (auto& [k, p] : pools_) {
    if (p.h2 && p.h2->streams() == 0) {
      p.h2->close();
      p.h2.reset();
      --p.open;
    }
    while (!p.idle.empty()) {
      auto c = std::move(p.idle.back());
      p.idle.pop_back();
      discard(p, c);
    }
  }
}

std::size_t connection_pool::idle() const noexcept {
  std::size_t n = 0;
  for (auto const& [k, p] : pools_) n += p.idle.size();
  return n;
}

asio::awaitable<expected<lease>> connection_pool::acquire(origin_pool& pool, std::string const& host,
                                                          std::string const& port, bool tls,
                                                          clock_type::time_point deadline) {
  bool h2 = false;  // the connection about to open may turn out HTTP/2 (what the origin speaks is not known yet)
  for (;;) {
    if (auto idle = take_idle(pool)) co_return std::move(*idle);
    h2 = may_speak_h2(tls) && !pool.http1_only;
    if (pool.open < options_.max_connections_per_origin && !(h2 && pool.negotiating)) break;
    // Every connection to this origin is busy: wait for one, as a browser queues its seventh request.
    auto timer = std::make_shared<asio::steady_timer>(ex_, deadline);
    pool.waiters.push_back(timer);
    auto [ec] = co_await timer->async_wait(asio::as_tuple(asio::use_awaitable));
    if (!ec) {
      std::erase(pool.waiters, timer);
      co_return error(codes::timeout, "no connection to the origin became free within the timeout");
    }
    if ((co_await asio::this_coro::cancellation_state).cancelled() != asio::cancellation_type::none) {
      std::erase(pool.waiters, timer);
      co_return error(codes::canceled, "canceled while waiting for a connection");
    }
  }
  ++pool.open;
  ++opened_;
  auto const started = clock_type::now();  // the connect time counts the name's lookup too
  // Set while the connection opens, and cleared however that ends (an exception too): else every request to
  // the origin would wait out its deadline.
  struct negotiation {
    origin_pool* pool = nullptr;
    ~negotiation() {
      if (pool == nullptr) return;
      pool->negotiating = false;
      wake_all(*pool);
    }
  } const negotiating{h2 ? &pool : nullptr};
  if (h2) pool.negotiating = true;
  auto opened = co_await open_connection(ex_, deadlines_, options_, host, port, tls, h2, deadline);
  if (h2) pool.negotiating = false;
  if (!opened) {
    discard(pool, nullptr);
    if (h2) wake_all(pool);  // the next one tries
    co_return std::move(opened).error();
  }
  auto const connect_time = clock_type::now() - started;
  if (h2 && ((*opened)->negotiated_h2() || (!tls && options_.http2 == http2_use::always))) {
    co_return share_h2(pool, std::move(*opened), connect_time);
  }
  if (h2) {
    pool.http1_only = true;  // from now on, connections as HTTP/1.1 has them: the waiters may open their own
    wake_all(pool);
  }
  co_return lease{std::move(*opened), nullptr, false, connect_time};
}

}  // namespace candar::detail
