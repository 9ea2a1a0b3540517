#include "name_resolver.hpp"

#include <ares.h>
#include <netinet/in.h>

#include <algorithm>
#include <cstring>
#include <exception>
#include <limits>
#include <mutex>
#include <optional>
#include <string_view>

#include <fmt/format.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "candar/failure/codes.hpp"
#include "dns_channel.hpp"
#include "text.hpp"

namespace candar::detail {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using addresses = name_resolution::addresses;

asio::execution_context::id name_resolver::id;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

// Past this many names, the ones not being asked are forgotten: a server that redirects to ever new host
// names cannot grow the cache without bound.
constexpr std::size_t max_cached_names = 4096;

// "127.0.0.1", "::1" or "[::1]" as an address; nullopt for a name.
std::optional<asio::ip::address> ip_literal(std::string_view host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  boost::system::error_code ec;
  auto a = asio::ip::make_address(std::string(host), ec);
  if (ec) return std::nullopt;
  return a;
}

}  // namespace

// The answer to one question, shared by everyone waiting for it. Waiters sleep on timers set to their own
// deadlines; finish() wakes them by cancelling those timers.
struct name_resolver::lookup {
  bool done = false;
  addresses found;
  std::string failure;  // when done with no address
  std::vector<std::shared_ptr<asio::steady_timer>> waiters;

  void finish() {
    done = true;
    if (found.empty() && failure.empty()) failure = "no address for it";
    for (auto& w : waiters) w->cancel();
    waiters.clear();
  }
};

struct name_resolver::cached {
  addresses found;
  clock_type::time_point expires{};
  std::shared_ptr<lookup> pending;  // the query on its way, if any
};

// What a query's callback needs: whom to tell, under which cache key.
struct name_resolver::query {
  name_resolver* resolver;
  std::string key;
  std::shared_ptr<lookup> answer;  // kept alive until the callback
};

name_resolver::name_resolver(asio::execution_context& context) : service(context) {
  static std::once_flag initialized;
  std::call_once(initialized, [] { ares_library_init(ARES_LIB_INIT_ALL); });
}

name_resolver::~name_resolver() = default;

name_resolver& name_resolver::of(asio::any_io_executor const& ex) {
  return asio::use_service<name_resolver>(asio::query(ex, asio::execution::context));
}

void name_resolver::shutdown() {
  // The loop is going: nobody is left to wake. Queries end now (their callbacks see shut_down_), and the
  // timers and descriptors go while the services they belong to are still there (they are destroyed first).
  shut_down_ = true;
  channels_.clear();
}

dns_channel& name_resolver::channel_for(std::vector<std::string> const& servers, asio::any_io_executor const& ex) {
  std::string servers_key;
  for (auto const& s : servers) servers_key.append(s).push_back(',');
  auto& c = channels_[servers_key];
  if (!c) c = std::make_unique<dns_channel>(ex, servers);
  return *c;
}

namespace {

// Everyone waiting for `l` waits here, each until its own deadline.
template <class Lookup>
asio::awaitable<expected<addresses>> answer_of(std::shared_ptr<Lookup> l, std::string const& host,
                                               std::chrono::steady_clock::time_point deadline) {
  if (!l->done) {
    auto timer = std::make_shared<asio::steady_timer>(co_await asio::this_coro::executor, deadline);
    l->waiters.push_back(timer);
    auto [ec] = co_await timer->async_wait(use_tuple);
    if (!l->done) {
      std::erase(l->waiters, timer);
      if (!ec) co_return error(codes::timeout, "the name " + host + " was not resolved within the request's timeout");
      co_return error(codes::canceled, "canceled while resolving " + host);
    }
  }
  if (l->found.empty()) co_return error(codes::connection, "cannot resolve " + host + ": " + l->failure);
  co_return l->found;
}

}  // namespace

asio::awaitable<expected<addresses>> name_resolver::ask_dns(std::string const& host, name_resolution const& how,
                                                            clock_type::time_point deadline) {
  std::string query_key;
  for (auto const& s : how.servers) query_key.append(s).push_back(',');
  query_key.append("\n").append(ascii_lower(host));
  if (cache_.size() >= max_cached_names)
    std::erase_if(cache_, [](auto const& e) { return e.second.pending == nullptr; });
  auto& entry = cache_[query_key];
  if (!entry.found.empty() && clock_type::now() < entry.expires) co_return entry.found;
  std::shared_ptr<lookup> l = entry.pending;  // someone asked already: wait for the same answer
  if (!l) {
    auto& c = channel_for(how.servers, co_await asio::this_coro::executor);
    if (!c.init_failure().empty() || c.handle() == nullptr) {
      co_return error(codes::connection, "cannot resolve " + host + ": " +
                                             (c.init_failure().empty() ? "the loop is ending" : c.init_failure()));
    }
    l = entry.pending = std::make_shared<lookup>();
    ++queries_sent_;
    ares_addrinfo_hints hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    // Owned by the callback, which c-ares calls exactly once; it may call it before this returns (/etc/hosts).
    ares_getaddrinfo(c.handle(), host.c_str(), nullptr, &hints, &name_resolver::on_answer,
                     new query{this, query_key, l});
    c.arm_timer();
  }
  co_return co_await answer_of(l, host, deadline);
}

void name_resolver::on_answer(void* arg, int status, int /*timeouts*/, ares_addrinfo* result) {
  std::unique_ptr<query> q(static_cast<query*>(arg));
  std::unique_ptr<ares_addrinfo, void (*)(ares_addrinfo*)> owned(result, &ares_freeaddrinfo);
  auto& self = *q->resolver;
  if (self.shut_down_ || status == ARES_EDESTRUCTION) return;  // the loop is going: nobody to wake
  auto& l = *q->answer;
  int ttl = std::numeric_limits<int>::max();
  if (status == ARES_SUCCESS && result != nullptr) {
    for (auto const* n = result->nodes; n != nullptr; n = n->ai_next) {
      if (n->ai_family == AF_INET && n->ai_addrlen >= sizeof(sockaddr_in)) {
        sockaddr_in a{};
        std::memcpy(&a, n->ai_addr, sizeof a);
        l.found.emplace_back(asio::ip::address_v4(ntohl(a.sin_addr.s_addr)));
      } else if (n->ai_family == AF_INET6 && n->ai_addrlen >= sizeof(sockaddr_in6)) {
        sockaddr_in6 a{};
        std::memcpy(&a, n->ai_addr, sizeof a);
        asio::ip::address_v6::bytes_type bytes{};
        std::memcpy(bytes.data(), &a.sin6_addr, bytes.size());
        l.found.emplace_back(asio::ip::address_v6(bytes, a.sin6_scope_id));
      } else {
        continue;
      }
      ttl = std::min(ttl, n->ai_ttl);
    }
  } else {
    l.failure = ares_strerror(status);
  }
  if (auto it = self.cache_.find(q->key); it != self.cache_.end() && it->second.pending == q->answer) {
    it->second.pending.reset();
    // Kept for the records' TTL; a TTL of 0 (or /etc/hosts, which c-ares gives none) is not kept.
    if (!l.found.empty() && ttl > 0) {
      it->second.found = l.found;
      it->second.expires = clock_type::now() + std::chrono::seconds(ttl);
    }
  }
  l.finish();
}

asio::awaitable<expected<addresses>> name_resolver::ask_custom(std::string const& host, name_resolution const& how,
                                                               clock_type::time_point deadline) {
  auto l = std::make_shared<lookup>();
  // Spawned, not awaited: a hook that overruns the deadline is left behind, and still finishes on its own.
  asio::co_spawn(
      co_await asio::this_coro::executor,
      [](std::function<asio::awaitable<expected<addresses>>(std::string)> hook, std::string name,
         std::shared_ptr<lookup> into) -> asio::awaitable<void> {
        try {
          auto r = co_await hook(name);
          if (r) {
            into->found = std::move(*r);
          } else {
            into->failure = r.error().message();
          }
        } catch (std::exception const& e) {
          into->failure = std::string("the resolver hook threw: ") + e.what();
        }
        into->finish();
      }(how.custom, host, l),
      asio::detached);
  co_return co_await answer_of(l, host, deadline);
}

asio::awaitable<expected<name_resolver::endpoints>> name_resolver::resolve(std::string const& host, std::uint16_t port,
                                                                           name_resolution const& how,
                                                                           clock_type::time_point deadline) {
  auto to_endpoints = [port](addresses const& found) {
    endpoints out;
    out.reserve(found.size());
    for (auto const& a : found) out.emplace_back(a, port);
    return out;
  };
  if (auto a = ip_literal(host)) co_return endpoints{tcp::endpoint(*a, port)};
  for (auto const& [name, address] : how.hosts) {
    if (!ascii_iequal(name, host)) continue;
    auto a = ip_literal(address);
    if (!a) {
      co_return error(codes::connection,
                      fmt::format("the address '{}' given for {} is not an IP address", address, host));
    }
    co_return endpoints{tcp::endpoint(*a, port)};
  }
  // Not a conditional expression around co_await: g++ 12 destroys such temporaries too early.
  std::optional<expected<addresses>> found;
  if (how.custom) {
    found.emplace(co_await ask_custom(host, how, deadline));
  } else {
    found.emplace(co_await ask_dns(host, how, deadline));
  }
  if (!*found) co_return std::move(*found).error();
  co_return to_endpoints(**found);
}

}  // namespace candar::detail
