#include "candar/agent/agent.hpp"

#include <charconv>
#include <map>
#include <stdexcept>
#include <unordered_set>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/container/small_vector.hpp>

#include "candar/agent/codes.hpp"
#include "candar/agent/cookie_jar.hpp"
#include "candar/agent/decompress.hpp"
#include "candar/failure/codes.hpp"
#include "candar/metrics/endpoint_metrics.hpp"
#include "candar/runtime/runtime.hpp"
#include "candar/worker/parallel.hpp"
#include "connection.hpp"
#include "deadline_watch.hpp"
#include "name_resolver.hpp"
#include "web_url.hpp"
#include "read_buffer.hpp"
#include "response_parser.hpp"
#include "shared_text.hpp"
#include "socket_shortage.hpp"
#include "text.hpp"

namespace candar {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using clock_type = std::chrono::steady_clock;
using namespace std::string_view_literals;

namespace detail {

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
using detail::connection;
using detail::deadline_watch;
using detail::name_resolver;
using detail::web_url;

// What a browser sends for a page when the caller gave no Accept.
constexpr std::string_view browser_accept =
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8";

// One TLS context per verification mode for every agent of the process: an SSL_CTX is large, and OpenSSL 3
// allows sharing one across threads.
asio::ssl::context& tls_context(bool verify) {
  static auto const make = [](bool v) {
    auto ctx = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
    if (v) {
      ctx->set_default_verify_paths();
      ctx->set_verify_mode(asio::ssl::verify_peer);
    } else {
      ctx->set_verify_mode(asio::ssl::verify_none);  // contest targets use self-signed certificates
    }
    return ctx;
  };
  static auto const verifying = make(true);
  static auto const trusting = make(false);
  return verify ? *verifying : *trusting;
}

using error_code = boost::system::error_code;

bool tls_failure(error_code ec) {
  return ec.category() == asio::error::get_ssl_category() || ec.category() == asio::ssl::error::get_stream_category();
}

struct origin_pool {
  std::vector<std::unique_ptr<connection>> idle;
  std::size_t open = 0;  // busy + idle
  // A vector, not a deque: libstdc++'s deque allocates 512 bytes up front, per origin, per agent.
  std::vector<std::shared_ptr<asio::steady_timer>> waiters;
};

struct lease {
  std::unique_ptr<connection> conn;
  bool reused = false;
  clock_type::duration connect_time{};
};

// A socket operation failed on `c`: after its deadline passed (the socket closed under it), that is the timeout.
error failure_of(connection const& c, error_code ec) {
  if (c.timed_out()) return error(codes::timeout, "no complete response within the timeout");
  if (tls_failure(ec)) return error(codes::tls, ec.message());
  return error::from(ec);
}

error failure_of(response_parser const& p) {
  using failure = response_parser::failure;
  switch (p.failed()) {
    case failure::header_too_large:
    case failure::too_many_headers:
    case failure::body_too_large:
      return error(codes::too_large, p.failure_message());
    case failure::truncated:
      return error(codes::connection, p.failure_message());
    default:
      return error(codes::http_parse, p.failure_message());
  }
}

// The connection ended: a plain close, or over TLS a close without close_notify, which most servers do.
bool end_of_stream(error_code ec) { return ec == asio::error::eof || ec == asio::ssl::error::stream_truncated; }

// A failure on a connection taken from the pool before any response byte came: the server had closed it
// while it sat idle (keep-alive timeout). Safe to send again when the method is idempotent.
bool stale_connection(error_code ec) {
  return end_of_stream(ec) || ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
         ec == asio::error::connection_aborted;
}

// The port of a URL, which the URL parser has checked to be digits; 0 if it is out of range.
std::uint16_t port_number(std::string_view port) {
  unsigned value = 0;
  auto const [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  return ec == std::errc() && value <= 65535 ? static_cast<std::uint16_t>(value) : 0;
}

bool idempotent(std::string_view method) {
  return method == "GET" || method == "HEAD" || method == "PUT" || method == "DELETE" || method == "OPTIONS";
}

// A header the agent would send with a line break in it would be two headers, or a broken request.
bool sendable_header(std::string_view name, std::string_view value) {
  return is_token(name) && std::all_of(value.begin(), value.end(), is_value_char);
}


}  // namespace

struct agent_state {
  agent_state(asio::any_io_executor e, agent_options o) : ex(std::move(e)), options(std::move(o)) {
    if (!options.base_url.empty()) {
      if (auto base = web_url::parse(options.base_url)) {
        base_url = std::make_shared<web_url const>(std::move(*base));
      } else {
        bad_base_url = base.error().message();
      }
    }
    if (!sendable_header("User-Agent", options.user_agent)) bad_option_header = "User-Agent";
    for (auto const& [k, v] : options.default_headers) {
      if (!sendable_header(k, v)) bad_option_header = k;
    }
    std::vector<std::pair<std::string_view, std::string_view>> fields;
    auto const set = [&fields](std::string_view name, std::string_view value) {
      for (auto& f : fields) {
        if (ascii_iequal(f.first, name)) {
          f.second = value;
          return;
        }
      }
      fields.emplace_back(name, value);
    };
    set("User-Agent", options.user_agent);
    set("Accept", browser_accept);
    if (options.decompress) set("Accept-Encoding", supported_encodings);
    for (auto const& [k, v] : options.default_headers) set(k, v);
    if (!options.keep_alive) set("Connection", "close");
    std::string lines;
    for (auto const& [k, v] : fields) lines.append(k).append(": "sv).append(v).append("\r\n"sv);
    own_lines = share_text(lines);
  }

  // The agent's own fields one by one, read back from own_lines (only for a request that replaces one).
  template <class F>
  void for_each_own_field(F each) const {
    std::string_view rest = *own_lines;
    while (!rest.empty()) {
      auto const end = rest.find("\r\n"sv);
      auto const line = rest.substr(0, end);
      auto const colon = line.find(':');
      each(line.substr(0, colon), line.substr(colon + 2));
      rest.remove_prefix(end + 2);
    }
  }

  asio::any_io_executor ex;
  agent_options options;
  deadline_watch& deadlines = deadline_watch::of(ex);  // the loop's
  std::map<std::string, origin_pool, std::less<>> pools;
  std::string pool_key;  // scratch for finding a pool, kept to reuse its buffer
  std::string bad_option_header;  // a default header that cannot be sent: every request fails with it
  // The agent's own header fields (User-Agent, Accept, Accept-Encoding, the default headers, Connection: close
  // without keep-alive) serialized once: a load loop sends them unchanged with every request. Shared by the
  // agents of a loop made with the same options, as ten thousand users send the same lines.
  std::shared_ptr<std::string const> own_lines;
  std::size_t opened = 0;
  std::shared_ptr<cookie_jar> cookies = std::make_shared<cookie_jar>();  // shared when a scenario asks
  http_cache cache{options.cache_max_bytes};
  std::size_t cache_hits = 0;

  // The last target resolved: a user (and a load loop) asks for the same URL again and again.
  std::string last_target;
  std::shared_ptr<web_url const> last_url;
  // options.base_url, read once; null when there is none (or it is not a URL: then every target must be absolute).
  std::shared_ptr<web_url const> base_url;
  std::string bad_base_url;  // why base_url could not be read

  // The resolved URL, or why the target is not one. Shared, not copied, for a repeated target (a load loop
  // asks for the same URL again and again); shared, not borrowed, because other requests of this agent (a
  // page's resources) may resolve other targets while this one is in flight.
  expected<std::shared_ptr<web_url const>> resolve(std::string_view target) {
    if (last_url && target == last_target) return last_url;
    if (!bad_base_url.empty()) return error(codes::url, "the agent's base URL '" + options.base_url + "' is not one: " + bad_base_url);
    auto resolved = web_url::parse(target, base_url.get());
    if (!resolved) return std::move(resolved).error();
    last_target = target;
    last_url = std::make_shared<web_url const>(std::move(*resolved));
    return last_url;
  }

  void wake_one(origin_pool& pool) {
    // A waiter whose wait already ended (its deadline passed, or its request was canceled: the completion is
    // queued) cancels nothing and goes on to fail: the wake-up goes to the next one.
    while (!pool.waiters.empty()) {
      auto const woken = pool.waiters.front()->cancel();
      pool.waiters.erase(pool.waiters.begin());
      if (woken > 0) return;
    }
  }

  void release(origin_pool& pool, std::unique_ptr<connection> c) {
    deadlines.unwatch(*c);
    pool.idle.push_back(std::move(c));
    wake_one(pool);
  }

  void discard(origin_pool& pool, std::unique_ptr<connection> const& c) {
    if (c) c->close();
    --pool.open;
    if (pool.open == 0 && last_sent && last_sent->pool == &pool) {
      // No connection left to that origin: the agent is idle there, and an idle agent holds no request bytes.
      last_sent.reset();
      last_sent_url.reset();
    }
    wake_one(pool);
  }

  std::optional<lease> take_idle(origin_pool& pool) {
    if (pool.idle.empty()) return std::nullopt;
    auto c = std::move(pool.idle.back());
    pool.idle.pop_back();
    return lease{std::move(c), true, {}};
  }

  asio::awaitable<expected<lease>> acquire(origin_pool& pool, std::string const& host, std::string const& port, bool tls,
                                           clock_type::time_point deadline) {
    for (;;) {
      if (!pool.idle.empty()) {
        auto c = std::move(pool.idle.back());
        pool.idle.pop_back();
        co_return lease{std::move(c), true, {}};
      }
      if (pool.open < options.max_connections_per_origin) break;
      // Every connection to this origin is busy: wait for one, as a browser queues its seventh request.
      auto timer = std::make_shared<asio::steady_timer>(ex, deadline);
      pool.waiters.push_back(timer);
      auto [ec] = co_await timer->async_wait(use_tuple);
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
    ++opened;
    auto const started = clock_type::now();  // the connect time counts the name's lookup too
    // Under the request's deadline; the loop's resolver keeps DNS answers for their TTL.
    auto addresses = co_await name_resolver::of(ex).resolve(host, port_number(port), options.names, deadline);
    if (!addresses) {
      discard(pool, nullptr);
      co_return std::move(addresses).error();
    }
    auto c = std::make_unique<connection>(ex);
    // The connect timeout, when set, bounds the connection's opening alone; unset, the request's deadline does.
    auto const dialing = clock_type::now();
    bool const own_connect_limit = options.connect_timeout > clock_type::duration::zero() && dialing + options.connect_timeout < deadline;
    auto const connect_deadline = own_connect_limit ? dialing + options.connect_timeout : deadline;
    deadlines.watch(*c, connect_deadline, ex);
    error_code cec;
    if (options.dial) {
      auto by_dialer = co_await dial(std::move(c), *addresses, connect_deadline);
      if (!by_dialer.conn) {  // the dialer overran the deadline, or the request was canceled
        discard(pool, nullptr);
        co_return error(by_dialer.canceled ? codes::canceled : codes::timeout,
                        "connect to " + host + ":" + port + ": " +
                            (by_dialer.canceled ? std::string("canceled while the dialer ran")
                                             : own_connect_limit ? "the connection did not open within the connect timeout"
                                                                 : "the connection did not open within the request's timeout"));
      }
      c = std::move(by_dialer.conn);
      cec = by_dialer.result;
    } else {
      auto [connect_ec, ep] = co_await asio::async_connect(c->socket(), *addresses, use_tuple);
      cec = connect_ec;
    }
    if (cec == asio::error::operation_aborted && !c->timed_out() && !c->socket().is_open() && !addresses->empty()) {
      // Not canceled: Asio says "aborted" for a socket it could not open. The benchmarker's failure, named.
      if (auto shortage = socket_shortage(ex, addresses->front().protocol())) {
        discard(pool, c);
        co_return std::move(*shortage);
      }
    }
    if (cec) {
      // Named for what it is: the connection did not open (a full listen backlog drops the SYN), not "no
      // complete response".
      auto e = c->timed_out()
                   ? error(codes::timeout, own_connect_limit ? "the connection did not open within the connect timeout"
                                                             : "the connection did not open within the request's timeout")
                   : failure_of(*c, cec);
      discard(pool, c);
      co_return error(e.inner_code(), "connect to " + host + ":" + port + ": " + e.message());
    }
    c->connected();
    if (tls) {
      auto& stream = c->start_tls(tls_context(options.tls_verify));
      bool const ip_literal = !host.empty() && (host.front() == '[' || host.find_first_not_of("0123456789.") == std::string::npos);
      if (!ip_literal) {
        // SNI. SSL_set_tlsext_host_name is a macro with a C cast; this is what it expands to.
        SSL_ctrl(stream.native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name, const_cast<char*>(host.c_str()));
      }
      if (options.tls_verify) stream.set_verify_callback(asio::ssl::host_name_verification(host));
      auto [hec] = co_await stream.async_handshake(asio::ssl::stream_base::client, use_tuple);
      if (hec) {
        // Cut off at the deadline, or canceled with the request: named so; any other failure is TLS's.
        auto e = c->timed_out() || hec == asio::error::operation_aborted ? failure_of(*c, hec)
                                                                         : error(codes::tls, hec.message());
        discard(pool, c);
        co_return error(e.inner_code(), "TLS handshake with " + host + ":" + port + ": " + e.message());
      }
    }
    co_return lease{std::move(c), false, clock_type::now() - started};
  }

  struct dialed {
    std::unique_ptr<connection> conn;  // null: given up (the dialer still holds it until it returns)
    error_code result;
    bool canceled = false;
  };

  // The scenario's dialer, bounded by `deadline` whatever it waits on: it runs on its own, holding the
  // connection, and the request waits for it or for the deadline. Given up on, the dialer's socket is closed
  // under it and the connection goes when it returns.
  asio::awaitable<dialed> dial(std::unique_ptr<connection> c, std::vector<tcp::endpoint> const& addresses,
                               clock_type::time_point deadline) {
    struct shared {
      std::unique_ptr<connection> conn;
      bool done = false;
      error_code result;
      std::shared_ptr<asio::steady_timer> waiter;
    };
    auto st = std::make_shared<shared>();
    st->conn = std::move(c);
    st->waiter = std::make_shared<asio::steady_timer>(ex, deadline);
    asio::co_spawn(
        ex,
        [](std::shared_ptr<shared> state, decltype(options.dial) dialer, std::vector<tcp::endpoint> eps) -> asio::awaitable<void> {
          error_code ec;
          try {
            ec = co_await dialer(state->conn->socket(), eps);
          } catch (std::exception const&) {
            ec = asio::error::fault;  // a dialer that throws failed to connect
          }
          state->done = true;
          state->result = ec;
          state->waiter->cancel();
        }(st, options.dial, addresses),
        asio::detached);
    error_code wec;
    // A dialer that finished before this wait began (co_spawn may start it at once) has nothing to wake.
    if (!st->done) std::tie(wec) = co_await st->waiter->async_wait(use_tuple);
    if (st->done) co_return dialed{std::move(st->conn), st->result, false};
    st->conn->close();  // the dialer's operations on it end; it returns when it will
    co_return dialed{nullptr, {}, wec == asio::error::operation_aborted};
  }

  using fields_type = std::vector<std::pair<std::string, std::string>>;

  // A request made ready to go out: its bytes, and the origin they go to.
  struct outgoing {
    std::string wire;
    std::string host;
    std::string port;
    std::string target;  // path and query
    bool https = false;
    bool head = false;
    bool retry_safe = false;  // idempotent: may be sent again on a fresh connection
    origin_pool* pool = nullptr;
    std::size_t cookie_at = 0;  // where the Cookie value is in `wire`, and how long (0: none)
    std::size_t cookie_size = 0;
  };

  // The last request with nothing of its own (a GET or HEAD with no header, body or condition), kept to send
  // again as it is while its URL and cookies stay the same and a connection to its origin is open: a user
  // polling an endpoint, or a load loop, asks for the same URL again and again, and building the bytes cost
  // more than parsing the response.
  std::shared_ptr<outgoing const> last_sent;
  std::shared_ptr<web_url const> last_sent_url;

  // The label a request is recorded under in the metrics.
  static std::string label_of(request const& r);
  // Records `result` under `label` when the agent has a metrics sink, and passes it on.
  outcome recorded(std::string const& label, outcome&& result);
  void record(std::string const& label, response const& res);
  // `shared_url` holds `u` when it is the agent's resolved (shared) URL; null for a redirect's. (A pointer, not a
  // copy: a copy of a shared_ptr is two atomic operations per request for nothing.)
  expected<std::shared_ptr<outgoing const>> prepare(std::string const& method, web_url const& u,
                                                    std::shared_ptr<web_url const> const* shared_url,
                                                    fields_type const& headers, fields_type const& conditional,
                                                    std::string const& body);
  // A response read whole: its connection goes back to the pool or is closed, cookies are stored and the
  // Content-Encoding is undone.
  std::optional<error> received(outgoing const& out, lease l, response& res, response_parser const& parser, bool reusable,
                                std::string const& method, web_url const& u);
  void invalidate_after_unsafe(web_url const& target, response const& res);
  // A stale-while-revalidate hit: the conditional GET that refreshes the entry goes out on its own, as in
  // Chromium, while the stale response is served. It is recorded in the metrics like any request.
  void revalidate_in_background(request const& original, std::string const& url, fields_type const& headers);
  std::unordered_set<std::string> revalidating;  // URLs with a background revalidation in flight: at most one each
  // The whole request, redirects and the cache included, as one coroutine: every coroutine frame on a
  // request's path costs an allocation and a resumption per request.
  asio::awaitable<outcome> send(request r);
};

std::string agent_state::label_of(request const& r) {
  if (!r.label_.empty()) return r.label_;
  // Ids in the path become ":id": one row per endpoint, not per user.
  std::string label;
  label.reserve(r.method_.size() + 1 + r.target_.size());
  label += r.method_;
  label += ' ';
  append_route_template(label, r.target_);
  return label;
}

void agent_state::record(std::string const& label, response const& res) {
  if (options.metrics != nullptr) options.metrics->record(label, res.status, res.time.total, res.body.size());
}

outcome agent_state::recorded(std::string const& label, outcome&& result) {
  if (options.metrics == nullptr) return result;
  if (result) {
    options.metrics->record(label, result->status, result->time.total, result->body.size());
  } else {
    options.metrics->record_error(label, result.error().inner_code());
  }
  return result;
}

expected<std::shared_ptr<agent_state::outgoing const>> agent_state::prepare(
    std::string const& method, web_url const& u, std::shared_ptr<web_url const> const* shared_url,
    fields_type const& headers, fields_type const& conditional, std::string const& body) {
  bool const plain = headers.empty() && conditional.empty() && body.empty() && (method == "GET" || method == "HEAD");
  bool const repeatable = plain && shared_url != nullptr;
  if (repeatable && last_sent && last_sent_url == *shared_url) {
    auto const& last = *last_sent;
    std::string_view const wire = last.wire;
    bool const same_method = wire.size() > method.size() && wire.substr(0, method.size()) == method && wire[method.size()] == ' ';
    if (same_method) {
      std::string const cookie = options.cookies ? cookies->header_for(last.host, last.target, last.https) : std::string();
      if (cookie == wire.substr(last.cookie_at, last.cookie_size)) return last_sent;
    }
  }
  auto built = std::make_shared<outgoing>();
  auto& out = *built;
  out.https = u.https();
  if (!is_token(method)) return error(codes::url, "bad method '" + method + "'");
  // The agent's own headers were checked once, when it was made; the request's are checked here.
  if (!bad_option_header.empty()) return error(codes::url, "header '" + bad_option_header + "' has a line break or a bad name");
  for (auto const& [k, v] : headers) {
    if (!sendable_header(k, v)) return error(codes::url, "header '" + k + "' has a line break or a bad name");
  }
  out.head = method == "HEAD";
  out.retry_safe = idempotent(method);
  out.host = u.host();
  out.port = u.port().empty() ? (out.https ? "443" : "80") : std::string(u.port());
  out.target = u.target();

  // The request is serialized by hand into one buffer: Beast's general serializer cost more CPU per request
  // than everything else the agent does (measured with perf against nginx). The agent's own fields go as the
  // block serialized when it was made, unless the request replaces one of them.
  std::string const cookie_header = options.cookies ? cookies->header_for(out.host, out.target, out.https) : std::string();
  bool const has_body = !body.empty() || method == "POST" || method == "PUT" || method == "PATCH";
  // What the agent decides whatever the request says: the length, the jar's cookies, closing without keep-alive.
  auto const decided_by_agent = [&](std::string_view name) {
    return ascii_iequal(name, "Content-Length") || (!cookie_header.empty() && ascii_iequal(name, "Cookie")) ||
           (!options.keep_alive && ascii_iequal(name, "Connection"));
  };
  boost::container::small_vector<std::pair<std::string_view, std::string_view>, 8> fields;  // the request's; no allocation
  auto const set_field = [&](std::string_view name, std::string_view value) {
    if (decided_by_agent(name)) return;
    for (auto& f : fields) {
      if (ascii_iequal(f.first, name)) {
        f.second = value;  // the later of two fields of a name wins
        return;
      }
    }
    fields.emplace_back(name, value);
  };
  for (auto const& [k, v] : headers) set_field(k, v);
  for (auto const& [k, v] : conditional) set_field(k, v);
  auto const requested = [&fields](std::string_view name) {
    return std::any_of(fields.begin(), fields.end(), [name](auto const& f) { return ascii_iequal(f.first, name); });
  };
  bool replaces_own = false;
  if (!fields.empty()) for_each_own_field([&](std::string_view name, std::string_view) { replaces_own = replaces_own || requested(name); });

  auto& wire = out.wire;
  std::size_t size = method.size() + out.target.size() + 13 + 10 + out.host.size() + out.port.size() + own_lines->size() +
                     (cookie_header.empty() ? 0 : cookie_header.size() + 10) + 2 + (has_body ? body.size() + 40 : 0);
  for (auto const& [k, v] : fields) size += k.size() + v.size() + 4;
  wire.reserve(size);  // as exact as cheap: a kept request holds its bytes
  wire.append(method).append(" "sv).append(out.target).append(" HTTP/1.1\r\n"sv);
  if (!requested("Host")) {
    wire.append("Host: "sv).append(out.host);
    if (!u.port().empty()) wire.append(":"sv).append(out.port);
    wire.append("\r\n"sv);
  }
  if (!replaces_own) {
    wire.append(*own_lines);
  } else {
    for_each_own_field([&](std::string_view name, std::string_view value) {
      if (!requested(name)) wire.append(name).append(": "sv).append(value).append("\r\n"sv);
    });
  }
  for (auto const& [k, v] : fields) wire.append(k).append(": "sv).append(v).append("\r\n"sv);
  if (!cookie_header.empty()) {
    wire.append("Cookie: "sv);
    out.cookie_at = wire.size();
    out.cookie_size = cookie_header.size();
    wire.append(cookie_header).append("\r\n"sv);
  }
  if (has_body) {
    char digits[24];
    auto const end = std::to_chars(digits, digits + sizeof digits, body.size()).ptr;
    wire.append("Content-Length: "sv).append(digits, static_cast<std::size_t>(end - digits)).append("\r\n"sv);
  }
  wire.append("\r\n"sv);
  if (has_body) wire.append(body);

  pool_key.assign(out.https ? "https://"sv : "http://"sv).append(out.host).append(":"sv).append(out.port);  // no allocation
  out.pool = &pools[pool_key];
  if (repeatable) {
    last_sent = built;
    last_sent_url = *shared_url;
  }
  return std::shared_ptr<outgoing const>(std::move(built));
}

std::optional<error> agent_state::received(outgoing const& out, lease l, response& res, response_parser const& parser,
                                           bool reusable, std::string const& method, web_url const& u) {
  if (reusable) {
    release(*out.pool, std::move(l.conn));
  } else {
    discard(*out.pool, l.conn);
  }
  // The parser saw every field name: no lookup for what is not there (the usual case in a load loop).
  if (options.cookies && parser.has_set_cookie()) {
    for (auto const& set_cookie : res.headers_named("Set-Cookie")) cookies->store(set_cookie, out.host, out.target, out.https);
  }
  // A coding the agent does not know leaves the body as it came, as a browser passes it through.
  if (options.decompress && parser.has_content_encoding() && !out.head && decodable(*res.header("Content-Encoding"))) {
    auto decoded = decode_content(*res.header("Content-Encoding"), std::move(res.body), options.limits.max_decoded_bytes);
    if (!decoded) return std::move(decoded).error().wrap(method + " " + u.href());
    res.body = std::move(*decoded);
  }
  res.reused_connection = l.reused;
  res.url = u.href();
  return std::nullopt;
}

namespace {
// A response a media element could play: 2xx, of an audio or video type.
bool media_answer(outcome const& r) {
  if (!r || r->status < 200 || r->status >= 300) return false;
  auto const type = r->header("Content-Type");
  if (!type) return false;
  auto const t = ascii_lower(*type);
  return t.starts_with("video/") || t.starts_with("audio/") || t.starts_with("application/ogg");
}

bool is_redirect(int status) { return status == 301 || status == 302 || status == 303 || status == 307 || status == 308; }
// RFC 9110 9.2.1.
bool safe_method(std::string_view m) { return m == "GET" || m == "HEAD" || m == "OPTIONS" || m == "TRACE"; }
}  // namespace

// RFC 9111 4.4: after a successful unsafe request, what the cache holds for its target is unusable (a read
// after a write must see the write), and so is what it holds for the response's Location and
// Content-Location when they are of the same origin.
void agent_state::invalidate_after_unsafe(web_url const& target, response const& res) {
  cache.invalidate(target.href());
  for (auto const* name : {"Location", "Content-Location"}) {
    auto const value = res.header(name);
    if (!value) continue;
    auto other = web_url::parse(*value, &target);
    if (other && other->same_origin(target)) cache.invalidate(other->href());
  }
}

void agent_state::revalidate_in_background(request const& original, std::string const& url, fields_type const& headers) {
  // One at a time per entry, as Chromium keeps one: a webapp answering "max-age=0, stale-while-revalidate=60"
  // must not turn every hit into one more request.
  if (!revalidating.insert(url).second) return;
  request again(original.owner_, "GET", url);
  again.headers_ = headers;
  again.label_ = original.label_;
  again.timeout_ = original.timeout_;
  again.revalidating_ = true;
  // Detached: the scenario does not wait for it; the agent's state lives as long as the request holds it, and
  // the request's own deadline ends it.
  asio::co_spawn(
      ex,
      [](request q, std::string key) -> asio::awaitable<void> {
        auto const owner = q.owner_;
        (void)co_await std::move(q).send();
        owner->revalidating.erase(key);
      }(std::move(again), url),
      asio::detached);
}

asio::awaitable<outcome> agent_state::send(request r) {
  auto const start = clock_type::now();
  auto const deadline = start + (r.timeout_ > clock_type::duration::zero() ? r.timeout_ : options.timeout);
  std::string const label = options.metrics != nullptr ? label_of(r) : std::string();
  auto found = resolve(r.target_);
  if (!found) co_return recorded(label, error(codes::url, "cannot resolve '" + r.target_ + "': " + found.error().message()));
  auto const resolved = std::move(*found);
  // `current` points at the resolved URL (held by `resolved`) until a redirect gives a new one, kept in `redirected`.
  web_url const* current = resolved.get();
  std::optional<web_url> redirected;
  std::string method = std::move(r.method_);
  std::string body = std::move(r.body_);
  auto headers = std::move(r.headers_);
  response_limits const limits{options.limits.max_header_bytes, options.limits.max_header_count, options.limits.max_body_bytes};

  for (int hop = 0;; ++hop) {
    bool const cacheable = options.cache && method == "GET";
    // The cache's key; not built when the cache is not involved (an allocation per request in a load loop).
    std::string const url = cacheable ? current->href() : std::string();
    auto const requested = std::chrono::system_clock::now();
    http_cache::lookup_result cached;
    if (cacheable) cached = cache.lookup(url, headers, requested);
    if (cached.revalidate_in_background && r.revalidating_ && hop == 0) {
      cached.what = http_cache::lookup_result::kind::stale;  // this is the background revalidation itself
      cached.stored.reset();
    }
    if (cached.what == http_cache::lookup_result::kind::fresh) {
      if (cached.revalidate_in_background) revalidate_in_background(r, url, headers);
      ++cache_hits;
      response hit = std::move(*cached.stored);
      hit.cache = cache_use::hit;
      hit.reused_connection = false;
      hit.time = {{}, {}, clock_type::now() - start};
      co_return recorded(label, std::move(hit));
    }
    auto prepared = prepare(method, *current, current == resolved.get() ? &resolved : nullptr, headers,
                            cached.conditional_headers, body);
    if (!prepared) co_return recorded(label, std::move(prepared).error());
    auto const out_held = std::move(*prepared);  // held: another request of this agent may replace last_sent
    auto const& out = *out_held;
    auto& pool = *out.pool;

    // The response is read into `got` and moved only to be returned: a response is a dozen members to move.
    response got;
    for (int attempt = 0;; ++attempt) {
      // An idle connection is taken without a coroutine frame: the common case of a keep-alive load. (Not as a
      // conditional expression around co_await: g++ 12 destroys such a temporary too early.)
      std::optional<lease> idle = take_idle(pool);
      if (!idle) {
        auto leased = co_await acquire(pool, out.host, out.port, out.https, deadline);
        if (!leased) co_return recorded(label, std::move(leased).error().wrap(method + " " + current->href()));
        idle.emplace(std::move(*leased));
      }
      auto l = std::move(*idle);
      auto& c = *l.conn;
      bool const may_retry = l.reused && attempt == 0 && out.retry_safe;

      deadlines.watch(c, deadline, ex);
      auto [wec, sent] = c.write_now(out.wire);
      if (!wec && sent < out.wire.size()) {
        auto [rest_ec, rest_sent] = co_await c.write(std::string_view(out.wire).substr(sent));
        wec = rest_ec;
      }
      if (wec) {
        auto e = failure_of(c, wec);
        discard(pool, l.conn);
        if (may_retry && stale_connection(wec)) continue;
        co_return recorded(label, std::move(e));
      }

      if (attempt > 0) got = response{};  // a retry starts over
      response_parser parser(got, limits, out.head);
      read_buffer buffer;
      error_code rec;
      bool extra_bytes = false;  // the server sent more than the response: the connection cannot be trusted again
      clock_type::duration first_byte{};
      clock_type::duration last_byte{};  // when the read that ended the response came: one clock read per read
      while (!parser.done() && parser.failed() == response_parser::failure::none) {
        auto [ec, n] = co_await c.read_some(asio::buffer(buffer.data(), read_buffer::size));
        if (n > 0) {
          last_byte = clock_type::now() - start;
          if (first_byte == clock_type::duration::zero()) first_byte = last_byte;
          extra_bytes = parser.feed(std::string_view(buffer.data(), n)) < n;
        }
        if (!ec) continue;
        if (!end_of_stream(ec)) {
          rec = ec;
          break;
        }
        parser.end_of_stream();
      }
      if (rec || !parser.done()) {
        discard(pool, l.conn);
        bool const silent_close = rec ? stale_connection(rec) : parser.failed() == response_parser::failure::truncated;
        if (may_retry && !parser.started() && silent_close) continue;
        co_return recorded(label, rec ? failure_of(c, rec) : failure_of(parser));
      }
      got.time = {l.connect_time, first_byte, last_byte};
      // The server may refuse keep-alive; a response that came whole as its deadline passed left a closed socket.
      bool const reusable = options.keep_alive && parser.keep_alive() && !extra_bytes && !c.timed_out();
      if (auto failed = received(out, std::move(l), got, parser, reusable, method, *current)) {
        co_return recorded(label, std::move(*failed));
      }
      break;
    }
    if (cacheable) {
      auto const received_at = std::chrono::system_clock::now();
      if (got.status == 304 && cached.what == http_cache::lookup_result::kind::stale) {
        if (auto restored = cache.revalidated(url, got, requested, received_at)) {
          restored->cache = cache_use::revalidated;
          restored->time = got.time;
          restored->reused_connection = got.reused_connection;
          co_return recorded(label, std::move(*restored));
        }
      } else {
        cache.store(url, headers, got, requested, received_at);
      }
    }
    if (options.cache && !safe_method(method) && got.status >= 200 && got.status < 400) invalidate_after_unsafe(*current, got);
    if (options.max_redirects <= 0 || !is_redirect(got.status) || !got.header("Location")) {
      // Straight into the awaitable's result: no intermediate outcome to move through.
      record(label, got);
      co_return std::move(got);
    }
    auto location = got.header("Location");
    if (hop >= options.max_redirects) {
      co_return recorded(label, error(codes::redirect, "more than " + std::to_string(options.max_redirects) +
                                                           " redirects, last to " + std::string(*location)));
    }
    auto next = web_url::parse(*location, current);
    if (!next) {
      co_return recorded(label, error(codes::url, "bad Location '" + std::string(*location) + "' from " + current->href() + ": " +
                                                      next.error().message()));
    }
    // RFC 9110 15.4: 303 always, and 301/302 after a POST as browsers do, become a GET without a body.
    if (got.status == 303 || ((got.status == 301 || got.status == 302) && method == "POST")) {
      if (method != "HEAD") method = "GET";
      body.clear();
      std::erase_if(headers, [](auto const& h) { return ascii_iequal(h.first, "Content-Type"); });
    }
    redirected.emplace(std::move(*next));
    current = &*redirected;
  }
}

}  // namespace detail

request::request(std::shared_ptr<detail::agent_state> owner, std::string method, std::string target)
    : owner_(std::move(owner)), method_(std::move(method)), target_(std::move(target)) {}

request& request::header(std::string_view name, std::string_view value) & {
  headers_.emplace_back(name, value);
  return *this;
}

request& request::json(std::string_view body) & { return this->body(body, "application/json"); }

request& request::field(std::string_view name, std::string_view value) & {
  form_.add(name, value);
  has_form_ = true;
  return *this;
}

request& request::file(std::string_view name, std::string_view filename, std::string_view content_type,
                       std::string_view bytes) & {
  form_.add_file(name, filename, content_type, bytes);
  has_form_ = true;
  return *this;
}

request& request::form(form_data fields) & {
  form_ = std::move(fields);
  has_form_ = true;
  return *this;
}

request& request::multipart(form_data fields) & {
  form_ = std::move(fields);
  has_form_ = true;
  multipart_ = true;
  return *this;
}

request& request::body(std::string_view content, std::string_view content_type) & {
  body_ = content;
  headers_.emplace_back("Content-Type", content_type);
  return *this;
}

request& request::timeout(std::chrono::steady_clock::duration t) & {
  timeout_ = t;
  return *this;
}

request& request::label(std::string_view name) & {
  label_ = name;
  return *this;
}

// The request (with the agent it holds) is moved into the coroutine's frame when send() is called, so the
// awaitable owns everything it needs: the builder may be a temporary, and the agent may go while it is in flight.
asio::awaitable<outcome> request::send() && {
  if (has_form_) {
    // The default boundary seed: the same form is the same bytes on every run (form_data checks the boundary
    // occurs in no value).
    auto encoded = multipart_ || form_.has_files() ? form_.multipart() : form_.urlencoded();
    body(encoded.content, encoded.content_type);
    form_ = {};
    has_form_ = false;
  }
  auto& owner = *owner_;
  return owner.send(std::move(*this));
}

agent::agent(agent_options options) : agent(runtime::current_executor(), std::move(options)) {}

agent::agent(asio::any_io_executor ex, agent_options options)
    : state_(std::make_shared<detail::agent_state>(std::move(ex), std::move(options))) {}

agent::~agent() = default;

request agent::make(std::string_view method, std::string_view target) {
  return request(state_, std::string(method), std::string(target));
}
request agent::get(std::string_view target) { return make("GET", target); }
request agent::post(std::string_view target) { return make("POST", target); }
request agent::put(std::string_view target) { return make("PUT", target); }
request agent::patch(std::string_view target) { return make("PATCH", target); }
request agent::del(std::string_view target) { return make("DELETE", target); }
request agent::head(std::string_view target) { return make("HEAD", target); }

std::size_t agent::connections_opened() const noexcept { return state_->opened; }

std::size_t agent::connections_idle() const noexcept {
  std::size_t n = 0;
  for (auto const& [k, p] : state_->pools) n += p.idle.size();
  return n;
}

void agent::close_idle() {
  for (auto& [k, p] : state_->pools) {
    while (!p.idle.empty()) {
      auto c = std::move(p.idle.back());
      p.idle.pop_back();
      state_->discard(p, std::move(c));
    }
  }
}

agent_options const& agent::options() const noexcept { return state_->options; }

bool page_resources::all_ok() const noexcept {
  return std::all_of(items.begin(), items.end(),
                     [](fetched_resource const& f) { return f.result && f.result->status >= 200 && f.result->status < 300; });
}

std::size_t page_resources::from_cache() const noexcept {
  return static_cast<std::size_t>(std::count_if(items.begin(), items.end(), [](fetched_resource const& f) {
    return f.result && f.result->cache != cache_use::network;
  }));
}

asio::awaitable<page_resources> agent::load_resources(response const& page, std::size_t parallelism) {
  return load_resources(page, std::string(), {}, parallelism);
}

asio::awaitable<page_resources> agent::load_resources(response const& page, std::string label,
                                                      std::chrono::steady_clock::duration timeout,
                                                      std::size_t parallelism) {
  auto refs = find_subresources(page.body);
  auto const document = detail::web_url::parse(page.url);
  std::optional<detail::web_url> base;
  if (document) base.emplace(*document);
  if (document && !refs.base.empty()) {
    if (auto with_base = detail::web_url::parse(refs.base, &*document)) base.emplace(std::move(*with_base));
  }
  std::vector<std::string> targets;
  for (auto const& r : refs.resources) {
    detail::web_url const* against = r.before_base ? (document ? &*document : nullptr) : (base ? &*base : nullptr);
    auto absolute = detail::web_url::parse(r.target, against);
    // One that is not a URL the agent can fetch goes as written, and fails as a request would.
    targets.push_back(absolute ? absolute->href() : r.target);
  }
  std::vector<std::optional<outcome>> results(refs.resources.size());
  parallel jobs(state_->ex, static_cast<std::int64_t>(std::max<std::size_t>(1, parallelism)));
  // One job per resource, except a media element's <source> list: one job tries them in order until one
  // answers with something it could play.
  for (std::size_t first = 0; first < targets.size();) {
    std::size_t end = first + 1;
    while (end < targets.size() && refs.resources[end].fallback) ++end;
    jobs.spawn([this, &results, &targets, &label, timeout, first, end]() -> asio::awaitable<void> {
      for (std::size_t i = first; i < end; ++i) {
        auto req = get(targets[i]);
        if (!label.empty()) req.label(label);
        if (timeout != std::chrono::steady_clock::duration::zero()) req.timeout(timeout);
        results[i] = co_await std::move(req).send();
        if (end - first == 1 || detail::media_answer(*results[i])) break;
      }
    });
    first = end;
  }
  co_await jobs.wait();
  page_resources out;
  for (std::size_t i = 0; i < refs.resources.size(); ++i) {
    if (!results[i]) continue;  // a fallback <source> that was not needed
    out.items.push_back({std::move(refs.resources[i]), std::move(targets[i]), std::move(*results[i])});
  }
  co_return out;
}

cookie_jar& agent::cookies() noexcept { return *state_->cookies; }

void agent::share_cookies_with(agent const& other) {
  if (state_->ex != other.state_->ex) {
    throw std::logic_error("agent::share_cookies_with: the agents live on different event loops");
  }
  state_->cookies = other.state_->cookies;
}

http_cache& agent::cache() noexcept { return state_->cache; }

std::size_t agent::cache_hits() const noexcept { return state_->cache_hits; }

}  // namespace candar
