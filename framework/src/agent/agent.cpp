#include "candar/agent/agent.hpp"

#include <map>

#include <boost/asio/as_tuple.hpp>
#include <boost/container/small_vector.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

#include "candar/agent/codes.hpp"
#include "candar/agent/cookie_jar.hpp"
#include "candar/agent/decompress.hpp"
#include "candar/metrics/endpoint_metrics.hpp"
#include "candar/worker/parallel.hpp"
#include "candar/failure/codes.hpp"

namespace candar {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace urls = boost::urls;
using tcp = asio::ip::tcp;
using clock_type = std::chrono::steady_clock;

namespace detail {

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

// What a browser sends for a page when the caller gave no Accept.
constexpr std::string_view browser_accept =
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8";

// A connection is plain TCP or TLS over it; `tcp()` is the layer that carries the deadline either way.
struct connection {
  explicit connection(asio::any_io_executor const& ex) : plain(ex) {}
  beast::tcp_stream plain;  // moved into `tls` once a TLS handshake starts
  std::optional<beast::ssl_stream<beast::tcp_stream>> tls;
  beast::flat_buffer buffer;

  beast::tcp_stream& tcp() { return tls ? beast::get_lowest_layer(*tls) : plain; }

  auto write(std::string const& wire) {
    return tls ? asio::async_write(*tls, asio::buffer(wire), use_tuple) : asio::async_write(plain, asio::buffer(wire), use_tuple);
  }
  template <class Parser>
  auto read_header(Parser& p) {
    return tls ? http::async_read_header(*tls, buffer, p, use_tuple) : http::async_read_header(plain, buffer, p, use_tuple);
  }
  template <class Parser>
  auto read(Parser& p) {
    return tls ? http::async_read(*tls, buffer, p, use_tuple) : http::async_read(plain, buffer, p, use_tuple);
  }
};

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

bool tls_failure(beast::error_code ec) {
  return ec.category() == asio::error::get_ssl_category() || ec.category() == asio::ssl::error::get_stream_category();
}

struct origin_pool {
  std::vector<std::unique_ptr<connection>> idle;
  std::size_t open = 0;  // busy + idle
  // A vector, not a deque: libstdc++'s deque allocates 512 bytes up front, per origin, per agent.
  std::vector<std::shared_ptr<asio::steady_timer>> waiters;
  std::optional<tcp::resolver::results_type> endpoints;  // resolved once per origin
};

struct lease {
  std::unique_ptr<connection> conn;
  bool reused = false;
  clock_type::duration connect_time{};
};

bool tls_failure(beast::error_code ec);

error failure_of(beast::error_code ec) {
  if (tls_failure(ec)) return error(codes::tls, ec.message());
  if (ec == beast::error::timeout) return error(codes::timeout, "no complete response within the timeout");
  if (ec == http::error::header_limit || ec == http::error::body_limit || ec == http::error::buffer_overflow) {
    return error(codes::too_large, ec.message());
  }
  if (ec == http::error::end_of_stream || ec == http::error::partial_message) {
    return error(codes::connection, "the server closed the connection: " + ec.message());
  }
  if (ec.category() == http::make_error_code(http::error::bad_version).category()) {
    return error(codes::http_parse, ec.message());
  }
  return error::from(ec);
}

// A failure on a connection taken from the pool before any response byte came: the server had closed it
// while it sat idle (keep-alive timeout). Safe to send again when the method is idempotent.
bool stale_connection(beast::error_code ec) {
  return ec == http::error::end_of_stream || ec == asio::error::eof || ec == asio::error::connection_reset ||
         ec == asio::error::broken_pipe || ec == asio::error::connection_aborted;
}

bool idempotent(http::verb v) {
  return v == http::verb::get || v == http::verb::head || v == http::verb::put || v == http::verb::delete_ ||
         v == http::verb::options;
}

std::string form_encode(std::string_view s) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (char ch : s) {
    auto const c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '*') {
      out += ch;
    } else if (c == ' ') {
      out += '+';
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

}  // namespace

struct agent_state {
  agent_state(asio::any_io_executor e, agent_options o) : ex(std::move(e)), options(std::move(o)), resolver(ex) {}

  asio::any_io_executor ex;
  agent_options options;
  tcp::resolver resolver;
  std::map<std::string, origin_pool, std::less<>> pools;
  std::string pool_key;  // scratch for finding a pool, kept to reuse its buffer
  std::size_t opened = 0;
  cookie_jar cookies;
  http_cache cache{options.cache_max_bytes};
  std::size_t cache_hits = 0;

  // The last target resolved: a user (and a load loop) asks for the same URL again and again.
  std::string last_target;
  std::shared_ptr<urls::url const> last_url;

  // The resolved URL, null with `failure` set when the target cannot be resolved. Shared, not copied, for a
  // repeated target (a load loop asks for the same URL again and again); shared, not borrowed, because other
  // requests of this agent (a page's resources) may resolve other targets while this one is in flight.
  std::shared_ptr<urls::url const> resolve(std::string_view target, boost::system::error_code& failure) {
    if (last_url && target == last_target) return last_url;
    auto resolved = resolve_uncached(target);
    if (!resolved) {
      failure = resolved.error();
      return nullptr;
    }
    last_target = target;
    last_url = std::make_shared<urls::url const>(std::move(*resolved));
    return last_url;
  }

  boost::system::result<urls::url> resolve_uncached(std::string_view target) const {
    if (options.base_url.empty()) {
      auto u = urls::parse_uri(target);
      if (!u) return u.error();
      return urls::url(*u);
    }
    auto base = urls::parse_uri(options.base_url);
    if (!base) return base.error();
    auto ref = urls::parse_uri_reference(target);
    if (!ref) return ref.error();
    urls::url out;
    auto r = urls::resolve(*base, *ref, out);
    if (!r) return r.error();
    return out;
  }

  void wake_one(origin_pool& pool) {
    if (pool.waiters.empty()) return;
    pool.waiters.front()->cancel();
    pool.waiters.erase(pool.waiters.begin());
  }

  void release(origin_pool& pool, std::unique_ptr<connection> c) {
    pool.idle.push_back(std::move(c));
    wake_one(pool);
  }

  void discard(origin_pool& pool, std::unique_ptr<connection> c) {
    if (c) {
      beast::error_code ignored;  // closing a socket that already failed: nothing to learn from its error
      c->tcp().socket().shutdown(tcp::socket::shutdown_both, ignored);  // no TLS close_notify: not worth a round trip
      c->tcp().close();
    }
    --pool.open;
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
    auto const started = clock_type::now();
    auto c = std::make_unique<connection>(ex);
    if (!pool.endpoints) {
      auto [rec, results] = co_await resolver.async_resolve(host, port, use_tuple);
      if (rec) {
        discard(pool, nullptr);
        co_return error(codes::connection, "cannot resolve " + host + ": " + rec.message());
      }
      pool.endpoints = std::move(results);
    }
    c->plain.expires_at(std::min(deadline, started + options.connect_timeout));
    auto [cec, ep] = co_await c->plain.async_connect(*pool.endpoints, use_tuple);
    if (cec) {
      discard(pool, nullptr);
      auto e = failure_of(cec);
      co_return error(e.inner_code(), "connect to " + host + ":" + port + ": " + e.message());
    }
    beast::error_code ignored;  // Nagle off, as browsers do; a failure only costs latency
    c->plain.socket().set_option(tcp::no_delay(true), ignored);
    if (tls) {
      c->tls.emplace(std::move(c->plain), tls_context(options.tls_verify));
      bool const ip_literal = !host.empty() && (host.front() == '[' || host.find_first_not_of("0123456789.") == std::string::npos);
      if (!ip_literal) {
        // SNI. SSL_set_tlsext_host_name is a macro with a C cast; this is what it expands to.
        SSL_ctrl(c->tls->native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                 const_cast<char*>(host.c_str()));
      }
      if (options.tls_verify) c->tls->set_verify_callback(asio::ssl::host_name_verification(host));
      auto [hec] = co_await c->tls->async_handshake(asio::ssl::stream_base::client, use_tuple);
      if (hec) {
        discard(pool, nullptr);
        auto e = hec == beast::error::timeout ? failure_of(hec) : error(codes::tls, hec.message());
        co_return error(e.inner_code(), "TLS handshake with " + host + ":" + port + ": " + e.message());
      }
    }
    co_return lease{std::move(c), false, clock_type::now() - started};
  }

  // The label a request is recorded under in the metrics.
  static std::string label_of(request const& r);
  asio::awaitable<outcome> send_unrecorded(request r);
  // One request and its response on a pooled connection (cookies and Content-Encoding handled here).
  asio::awaitable<outcome> exchange(std::string const& method, urls::url const& u,
                                    std::vector<std::pair<std::string, std::string>> const& headers,
                                    std::string const& body, clock_type::time_point start,
                                    clock_type::time_point deadline);
};

asio::awaitable<outcome> agent_state::exchange(std::string const& method, urls::url const& u_in,
                                               std::vector<std::pair<std::string, std::string>> const& headers,
                                               std::string const& body, clock_type::time_point start,
                                               clock_type::time_point deadline) {
  auto const* u = &u_in;
  bool const https = u->scheme() == "https";
  if (!https && u->scheme() != "http") co_return error(codes::url, "unsupported scheme in " + std::string(u->buffer()));
  auto const verb = http::string_to_verb(method);
  if (verb == http::verb::unknown) co_return error(codes::url, "unknown method " + method);

  std::string const host(u->encoded_host());
  std::string const port = u->has_port() ? std::string(u->port()) : https ? "443" : "80";
  std::string target(u->encoded_path());
  if (target.empty()) target = "/";
  if (u->has_query()) {
    target += '?';
    target += u->encoded_query();
  }

  // The request is serialized by hand into one buffer: Beast's general serializer cost more CPU per request
  // than everything else the agent does (measured with perf against nginx).
  boost::container::small_vector<std::pair<std::string_view, std::string_view>, 16> fields;  // no allocation
  auto const set_field = [&fields](std::string_view name, std::string_view value) {
    for (auto& f : fields) {
      if (beast::iequals(f.first, name)) {
        f.second = value;
        return;
      }
    }
    fields.emplace_back(name, value);
  };
  std::string const host_header = u->has_port() ? host + ":" + port : host;
  set_field("Host", host_header);
  set_field("User-Agent", options.user_agent);
  set_field("Accept", browser_accept);
  if (options.decompress) set_field("Accept-Encoding", supported_encodings);
  for (auto const& [k, v] : options.default_headers) set_field(k, v);
  for (auto const& [k, v] : headers) set_field(k, v);
  if (!options.keep_alive) set_field("Connection", "close");
  std::string const cookie_header = options.cookies ? cookies.header_for(host, target, https) : std::string();
  if (!cookie_header.empty()) set_field("Cookie", cookie_header);
  bool const has_body = !body.empty() || verb == http::verb::post || verb == http::verb::put || verb == http::verb::patch;
  std::string const content_length = std::to_string(body.size());
  if (has_body) set_field("Content-Length", content_length);

  std::string wire;
  wire.reserve(128 + target.size() + body.size() + fields.size() * 48);
  wire.append(method).append(" ").append(target).append(" HTTP/1.1\r\n");
  for (auto const& [k, v] : fields) {
    if (k.find_first_of("\r\n:") != std::string_view::npos || v.find_first_of("\r\n") != std::string_view::npos) {
      co_return error(codes::url, "header '" + std::string(k) + "' has a line break or a bad name");
    }
    wire.append(k).append(": ").append(v).append("\r\n");
  }
  wire.append("\r\n");
  if (has_body) wire.append(body);

  pool_key.assign(https ? "https://" : "http://").append(host).append(":").append(port);  // reused: no allocation
  auto& pool = pools[pool_key];

  for (int attempt = 0;; ++attempt) {
    // An idle connection is taken without a coroutine frame: the common case of a keep-alive load. (Not as a
    // conditional expression around co_await: g++ 12 destroys such a temporary too early.)
    std::optional<lease> idle = take_idle(pool);
    if (!idle) {
      auto leased = co_await acquire(pool, host, port, https, deadline);
      if (!leased) co_return std::move(leased).error().wrap(method + " " + std::string(u->buffer()));
      idle.emplace(std::move(*leased));
    }
    auto l = std::move(*idle);
    auto& c = *l.conn;
    bool const may_retry = l.reused && attempt == 0 && idempotent(verb);

    c.tcp().expires_at(deadline);
    auto [wec, written] = co_await c.write(wire);
    if (wec) {
      discard(pool, std::move(l.conn));
      if (may_retry && stale_connection(wec)) continue;
      co_return failure_of(wec);
    }

    http::response_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(options.limits.max_header_bytes, UINT32_MAX)));
    parser.body_limit(options.limits.max_body_bytes);
    if (verb == http::verb::head) parser.skip(true);
    auto [hec, header_bytes] = co_await c.read_header(parser);
    if (hec) {
      bool const nothing_came = c.buffer.size() == 0 && header_bytes == 0;
      discard(pool, std::move(l.conn));
      if (may_retry && nothing_came && stale_connection(hec)) continue;
      co_return failure_of(hec);
    }
    auto const first_byte = clock_type::now() - start;
    if (auto const count = static_cast<std::size_t>(std::distance(parser.get().begin(), parser.get().end()));
        count > options.limits.max_header_count) {
      discard(pool, std::move(l.conn));  // the rest of the message is not read: the connection cannot be reused
      co_return error(codes::too_large, std::to_string(count) + " response headers, more than the limit of " +
                                            std::to_string(options.limits.max_header_count));
    }
    if (!parser.is_done()) {
      auto [bec, body_bytes] = co_await c.read(parser);
      if (bec) {
        discard(pool, std::move(l.conn));
        co_return failure_of(bec);
      }
    }

    auto& msg = parser.get();
    response res;
    res.status = static_cast<int>(msg.result_int());
    res.headers.reserve(static_cast<std::size_t>(std::distance(msg.begin(), msg.end())));
    for (auto const& f : msg) res.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
    bool const reusable = options.keep_alive && msg.keep_alive();  // the server may refuse keep-alive
    res.body = std::move(msg.body());
    if (options.cookies) {
      for (auto const& set_cookie : res.headers_named("Set-Cookie")) cookies.store(set_cookie, host, target, https);
    }
    if (auto coding = res.header("Content-Encoding"); coding && options.decompress && verb != http::verb::head) {
      auto decoded = decode_content(*coding, std::move(res.body), options.limits.max_decoded_bytes);
      if (!decoded) {
        // The connection itself is fine: the message was read whole.
        if (reusable) {
          release(pool, std::move(l.conn));
        } else {
          discard(pool, std::move(l.conn));
        }
        co_return std::move(decoded).error().wrap(method + " " + std::string(u->buffer()));
      }
      res.body = std::move(*decoded);
    }
    res.reused_connection = l.reused;
    res.url = std::string(u->buffer());
    res.time = {l.connect_time, first_byte, clock_type::now() - start};
    if (reusable) {
      release(pool, std::move(l.conn));
    } else {
      discard(pool, std::move(l.conn));
    }
    co_return res;
  }
}

namespace {
bool is_redirect(int status) { return status == 301 || status == 302 || status == 303 || status == 307 || status == 308; }
}  // namespace

std::string agent_state::label_of(request const& r) {
  if (!r.label_.empty()) return r.label_;
  std::string_view path = r.target_;
  if (auto q = path.find_first_of("?#"); q != std::string_view::npos) path = path.substr(0, q);
  return r.method_ + " " + std::string(path);
}

asio::awaitable<outcome> agent_state::send_unrecorded(request r) {
  auto const start = clock_type::now();
  auto const deadline = start + (r.timeout_ > clock_type::duration::zero() ? r.timeout_ : options.timeout);
  boost::system::error_code bad_target;
  auto const resolved = resolve(r.target_, bad_target);
  if (!resolved) co_return error(codes::url, "cannot resolve '" + r.target_ + "': " + bad_target.message());
  // `current` points at the resolved URL (held by `resolved`) until a redirect gives a new one, kept in `redirected`.
  urls::url const* current = resolved.get();
  urls::url redirected;
  std::string method = std::move(r.method_);
  std::string body = std::move(r.body_);
  auto headers = std::move(r.headers_);

  for (int hop = 0;; ++hop) {
    bool const cacheable = options.cache && method == "GET";
    // The cache's key; not built when the cache is not involved (an allocation per request in a load loop).
    std::string const url = cacheable ? std::string(current->buffer()) : std::string();
    auto const requested = std::chrono::system_clock::now();
    http_cache::lookup_result cached;
    if (cacheable) cached = cache.lookup(url, headers, requested);
    if (cached.what == http_cache::lookup_result::kind::fresh) {
      ++cache_hits;
      response hit = std::move(*cached.stored);
      hit.cache = cache_use::hit;
      hit.reused_connection = false;
      hit.time = {{}, {}, clock_type::now() - start};
      co_return hit;
    }
    auto sent_headers = headers;
    for (auto const& h : cached.conditional_headers) sent_headers.push_back(h);
    auto res = co_await exchange(method, *current, sent_headers, body, start, deadline);
    if (!res) co_return res;
    auto const received = std::chrono::system_clock::now();
    if (cacheable) {
      if (res->status == 304 && cached.what == http_cache::lookup_result::kind::stale) {
        if (auto restored = cache.revalidated(url, *res, requested, received)) {
          restored->cache = cache_use::revalidated;
          restored->time = res->time;
          restored->reused_connection = res->reused_connection;
          co_return *restored;
        }
      } else {
        cache.store(url, headers, *res, requested, received);
      }
    }
    if (options.max_redirects <= 0 || !is_redirect(res->status)) co_return res;
    auto location = res->header("Location");
    if (!location) co_return res;
    if (hop >= options.max_redirects) {
      co_return error(codes::redirect, "more than " + std::to_string(options.max_redirects) + " redirects, last to " +
                                           std::string(*location));
    }
    auto ref = urls::parse_uri_reference(*location);
    urls::url next;
    if (!ref || !urls::resolve(*current, *ref, next)) {
      co_return error(codes::url, "bad Location '" + std::string(*location) + "' from " + std::string(current->buffer()));
    }
    // RFC 9110 15.4: 303 always, and 301/302 after a POST as browsers do, become a GET without a body.
    if (res->status == 303 || ((res->status == 301 || res->status == 302) && method == "POST")) {
      if (method != "HEAD") method = "GET";
      body.clear();
      std::erase_if(headers, [](auto const& h) { return beast::iequals(h.first, "Content-Type"); });
    }
    redirected = std::move(next);
    current = &redirected;
  }
}

}  // namespace detail

request::request(std::shared_ptr<detail::agent_state> owner, std::string method, std::string target)
    : owner_(std::move(owner)), method_(std::move(method)), target_(std::move(target)) {}

request& request::header(std::string_view name, std::string_view value) {
  headers_.emplace_back(name, value);
  return *this;
}

request& request::json(std::string_view body) { return this->body(body, "application/json"); }

request& request::form(std::vector<std::pair<std::string, std::string>> const& fields) {
  std::string encoded;
  for (auto const& [k, v] : fields) {
    if (!encoded.empty()) encoded += '&';
    encoded += detail::form_encode(k);
    encoded += '=';
    encoded += detail::form_encode(v);
  }
  body_ = std::move(encoded);
  headers_.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  return *this;
}

request& request::body(std::string_view content, std::string_view content_type) {
  body_ = content;
  headers_.emplace_back("Content-Type", content_type);
  return *this;
}

request& request::timeout(std::chrono::steady_clock::duration t) {
  timeout_ = t;
  return *this;
}

request& request::label(std::string_view name) {
  label_ = name;
  return *this;
}

namespace {
// The request is moved into this coroutine's frame when send() is called, so the awaitable owns everything it
// needs: the builder may be a temporary, and the agent may go while a request is in flight.
// It also records the outcome in the metrics, here rather than in a coroutine of its own: one frame less per request.
asio::awaitable<outcome> send_request(std::shared_ptr<detail::agent_state> owner, request r) {
  auto* const metrics = owner->options.metrics;
  if (metrics == nullptr) co_return co_await owner->send_unrecorded(std::move(r));
  auto const label = detail::agent_state::label_of(r);
  auto res = co_await owner->send_unrecorded(std::move(r));
  if (res) {
    metrics->record(label, res->status, res->time.total, res->body.size());
  } else {
    metrics->record_error(label, res.error().inner_code());
  }
  co_return res;
}
}  // namespace

asio::awaitable<outcome> request::send() {
  auto owner = owner_;
  return send_request(std::move(owner), std::move(*this));
}

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
  auto refs = find_subresources(page.body);
  urls::url base;
  if (auto page_url = urls::parse_uri(page.url)) base = *page_url;
  if (!refs.base.empty()) {
    urls::url with_base;
    if (auto ref = urls::parse_uri_reference(refs.base); ref && urls::resolve(base, *ref, with_base)) base = with_base;
  }
  std::vector<std::string> targets;
  for (auto const& r : refs.resources) {
    urls::url absolute;
    auto ref = urls::parse_uri_reference(r.target);
    targets.push_back(ref && urls::resolve(base, *ref, absolute) ? std::string(absolute.buffer()) : r.target);
  }
  std::vector<std::optional<outcome>> results(refs.resources.size());
  parallel jobs(state_->ex, static_cast<std::int64_t>(std::max<std::size_t>(1, parallelism)));
  for (std::size_t i = 0; i < targets.size(); ++i) {
    jobs.spawn([this, &results, &targets, i]() -> asio::awaitable<void> { results[i] = co_await get(targets[i]).send(); });
  }
  co_await jobs.wait();
  page_resources out;
  for (std::size_t i = 0; i < refs.resources.size(); ++i) {
    out.items.push_back({std::move(refs.resources[i]), std::move(targets[i]), std::move(*results[i])});
  }
  co_return out;
}

cookie_jar& agent::cookies() noexcept { return state_->cookies; }

http_cache& agent::cache() noexcept { return state_->cache; }

std::size_t agent::cache_hits() const noexcept { return state_->cache_hits; }

}  // namespace candar
