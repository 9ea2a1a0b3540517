#pragma once
// Host names to addresses for the agents of one event loop: an Asio service of the loop (as deadline_watch),
// so it lives exactly as long as the loop and is used from its one thread.
//
// DNS goes through c-ares on the loop's own sockets and timer, not through getaddrinfo on a helper thread as
// Asio's resolver does: a lookup is then something a coroutine can stop waiting for. The caller waits on a
// timer set to its request's deadline; the answer wakes it by cancelling that timer, as the connection pool
// wakes its waiters. A caller that gives up (deadline, or its request canceled) leaves the query to finish
// or time out on its own; answers land in a cache kept for the records' TTL, and every caller waiting on a
// name shares its one query.
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/execution_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "candar/agent/name_resolution.hpp"
#include "candar/failure/expected.hpp"

struct ares_addrinfo;

namespace candar::detail {

class dns_channel;

class name_resolver : public boost::asio::execution_context::service {
 public:
  using key_type = name_resolver;
  using clock_type = std::chrono::steady_clock;
  using endpoints = std::vector<boost::asio::ip::tcp::endpoint>;
  static boost::asio::execution_context::id id;

  explicit name_resolver(boost::asio::execution_context& context);
  ~name_resolver() override;
  // The one of the loop `ex` belongs to.
  static name_resolver& of(boost::asio::any_io_executor const& ex);

  // The addresses of `host` (as in a URL: "example.com", "127.0.0.1", "[::1]") with `port`, in the order to
  // try them; a timeout error once `deadline` passes, a connection error when the name does not resolve.
  boost::asio::awaitable<expected<endpoints>> resolve(std::string const& host, std::uint16_t port,
                                                      name_resolution const& how, clock_type::time_point deadline);

  // DNS queries sent since the loop started (answers from the cache and shared queries send none).
  [[nodiscard]] std::size_t queries_sent() const noexcept { return queries_sent_; }

 private:
  struct lookup;
  struct cached;
  struct query;

  static void on_answer(void* arg, int status, int timeouts, ares_addrinfo* result);
  void shutdown() override;
  dns_channel& channel_for(std::vector<std::string> const& servers, boost::asio::any_io_executor const& ex);
  boost::asio::awaitable<expected<name_resolution::addresses>> ask_dns(std::string const& host,
                                                                       name_resolution const& how,
                                                                       clock_type::time_point deadline);
  boost::asio::awaitable<expected<name_resolution::addresses>> ask_custom(std::string const& host,
                                                                          name_resolution const& how,
                                                                          clock_type::time_point deadline);

  std::map<std::string, std::unique_ptr<dns_channel>> channels_;  // by server list ("" for the system's)
  std::map<std::string, cached> cache_;                           // by server list and name
  std::size_t queries_sent_ = 0;
  bool shut_down_ = false;
};

}  // namespace candar::detail
