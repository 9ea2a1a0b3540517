#include "otlp_push.hpp"

#include <cctype>
#include <charconv>
#include <cstdlib>
#include <stdexcept>

#include <fmt/format.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/url/parse.hpp>

#include "failure/utf8_text.hpp"

namespace candar::detail {

namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t max_answer_head = 64 * 1024;

std::string env(char const* name) {
  char const* v = std::getenv(name);
  return v == nullptr ? std::string() : std::string(v);
}

// The signal's own variable when set, else the general one.
std::pair<std::string, std::string> setting(char const* metrics_name, char const* general_name) {
  if (auto v = env(metrics_name); !v.empty()) return {v, metrics_name};
  return {env(general_name), general_name};
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// A number of milliseconds, or the fallback with a warning when it is not one.
std::chrono::milliseconds milliseconds_setting(char const* name, std::chrono::milliseconds fallback,
                                               otlp_setup& setup) {
  auto const v = env(name);
  if (v.empty()) return fallback;
  long long ms = 0;
  auto const [end, ec] = std::from_chars(v.data(), v.data() + v.size(), ms);
  if (ec != std::errc() || end != v.data() + v.size() || ms <= 0 || ms > 86'400'000) {
    setup.warnings.push_back(
        fmt::format("{}: not a number of milliseconds above zero, {} used", name, fallback.count()));
    return fallback;
  }
  return std::chrono::milliseconds(ms);
}

// "key=value,key2=value2", values percent-encoded. An entry without a key or '=' is skipped, as SDKs do.
std::vector<std::pair<std::string, std::string>> header_list(std::string const& text, std::string const& name,
                                                             otlp_setup& setup) {
  std::vector<std::pair<std::string, std::string>> out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto end = text.find(',', pos);
    if (end == std::string::npos) end = text.size();
    auto const item = trimmed(std::string_view(text).substr(pos, end - pos));
    pos = end + 1;
    if (item.empty()) continue;
    auto const eq = item.find('=');
    auto const key = trimmed(item.substr(0, eq == std::string_view::npos ? 0 : eq));
    std::string value;
    if (eq != std::string_view::npos) {
      auto const raw = trimmed(item.substr(eq + 1));
      for (std::size_t i = 0; i < raw.size(); ++i) {
        unsigned byte = 0;
        if (raw[i] == '%' && i + 2 < raw.size() &&
            std::from_chars(raw.data() + i + 1, raw.data() + i + 3, byte, 16).ptr == raw.data() + i + 3) {
          value += static_cast<char>(byte);
          i += 2;
        } else {
          value += raw[i];
        }
      }
    }
    bool const token = !key.empty() && key.find_first_of(" \t\r\n:") == std::string_view::npos;
    if (eq == std::string_view::npos || !token || value.find_first_of("\r\n") != std::string::npos) {
      setup.warnings.push_back(fmt::format("{}: an entry that is not key=value was skipped", name));
      continue;
    }
    out.emplace_back(std::string(key), value);
  }
  return out;
}

// The addresses of host:port, or a warning.
std::vector<tcp::endpoint> resolved(std::string const& host, std::string const& port, std::string const& variable,
                                    otlp_setup& setup) {
  asio::io_context io;
  tcp::resolver resolver(io);
  boost::system::error_code ec;
  auto const found = resolver.resolve(host, port, ec);
  std::vector<tcp::endpoint> out;
  if (!ec) {
    for (auto const& r : found) out.push_back(r.endpoint());
  }
  if (out.empty()) {
    setup.warnings.push_back(fmt::format("{}: {} could not be resolved ({}): no metrics pushed", variable, host,
                                         ec ? ec.message() : "no address"));
  }
  return out;
}

}  // namespace

otlp_setup otlp_from_environment(std::string const& default_service_name) {
  otlp_setup setup;
  if (lower(env("OTEL_SDK_DISABLED")) == "true") return setup;
  auto const [url, url_name] = setting("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT");
  if (url.empty()) return setup;
  // Another exporter chosen (or none): not ours to push.
  if (auto const exporters = lower(env("OTEL_METRICS_EXPORTER")); !exporters.empty()) {
    bool otlp = false;
    for (std::size_t pos = 0; pos <= exporters.size();) {
      auto end = exporters.find(',', pos);
      if (end == std::string::npos) end = exporters.size();
      otlp = otlp || trimmed(std::string_view(exporters).substr(pos, end - pos)) == "otlp";
      pos = end + 1;
    }
    if (!otlp) return setup;
  }
  if (auto const [protocol, name] = setting("OTEL_EXPORTER_OTLP_METRICS_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL");
      !protocol.empty() && protocol != "http/json") {
    setup.warnings.push_back(
        fmt::format("{}={}: candar pushes OTLP metrics as http/json only: no metrics pushed", name, protocol));
    return setup;
  }
  auto const parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed || parsed->scheme() != "http" || parsed->host().empty()) {
    setup.warnings.push_back(fmt::format(
        "{}={}: not an http:// address (candar pushes plain http, to a collector near the benchmarker): no metrics "
        "pushed",
        url_name, url));
    return setup;
  }
  otlp_target t;
  std::string host = parsed->host();  // an IPv6 address keeps its brackets here, as the Host header wants
  std::string const port = parsed->has_port() ? std::string(parsed->port()) : "80";
  t.host = host + ":" + port;
  if (parsed->host_type() == boost::urls::host_type::ipv6) host = host.substr(1, host.size() - 2);
  t.path = parsed->encoded_path().empty() ? "/" : std::string(parsed->encoded_path());
  // The general endpoint is a base: the metrics' path goes after it. The signal's own is used as is.
  if (std::string_view(url_name) == "OTEL_EXPORTER_OTLP_ENDPOINT") {
    if (!t.path.ends_with('/')) t.path += '/';
    t.path += "v1/metrics";
  }
  if (parsed->has_query()) t.path += "?" + std::string(parsed->encoded_query());
  t.url = "http://" + t.host + t.path;
  auto const [headers, headers_name] = setting("OTEL_EXPORTER_OTLP_METRICS_HEADERS", "OTEL_EXPORTER_OTLP_HEADERS");
  t.headers = header_list(headers, headers_name, setup);
  t.interval = milliseconds_setting("OTEL_METRIC_EXPORT_INTERVAL", std::chrono::milliseconds(60'000), setup);
  // The exporter's timeout (10 s by default), within the reader's when that is set; a run's end waits no longer
  // than 10 s for a collector that does not answer.
  auto const [timeout_text, timeout_name] = setting("OTEL_EXPORTER_OTLP_METRICS_TIMEOUT", "OTEL_EXPORTER_OTLP_TIMEOUT");
  (void)timeout_text;
  auto timeout = milliseconds_setting(timeout_name.c_str(), std::chrono::milliseconds(10'000), setup);
  timeout = std::min(timeout, milliseconds_setting("OTEL_METRIC_EXPORT_TIMEOUT", timeout, setup));
  t.timeout = std::min(timeout, std::chrono::milliseconds(10'000));
  auto const service = env("OTEL_SERVICE_NAME");
  t.service_name = service.empty() ? default_service_name : service;
  t.addresses = resolved(host, port, url_name, setup);
  if (t.addresses.empty()) return setup;
  setup.target = std::move(t);
  return setup;
}

otlp_pusher::otlp_pusher(asio::io_context& io, otlp_target target, body_source body)
    : io_(io), target_(std::move(target)), body_(std::move(body)), every_(io) {}

void otlp_pusher::start_every_interval() {
  asio::post(io_, [this] { tick(); });
}

void otlp_pusher::tick() {
  every_.expires_after(target_.interval);
  every_.async_wait([this](boost::system::error_code ec) {
    if (ec || stopped_) return;
    if (!pushing_) push_now([](std::string const&) {});
    tick();
  });
}

void otlp_pusher::push_last(done_handler done) {
  stopped_ = true;
  every_.cancel();
  if (pushing_) {
    last_ = std::move(done);
  } else {
    push_now(std::move(done));
  }
}

void otlp_pusher::push_now(done_handler done) {
  pushing_ = true;
  asio::co_spawn(io_, push_once(body_()),
                 [this, done = std::move(done)](std::exception_ptr const& e, std::string error) {
                   pushing_ = false;
                   if (e) error = "the push failed unexpectedly";
                   {
                     std::lock_guard lock(tally_mutex_);
                     if (error.empty()) {
                       ++tally_.pushed;
                     } else {
                       ++tally_.failed;
                       if (tally_.first_error.empty()) tally_.first_error = error;
                     }
                   }
                   // push_last's waits for this one; `done` comes last, as whoever waits on it may destroy this pusher.
                   if (last_) {
                     auto last = std::move(*last_);
                     last_.reset();
                     push_now(std::move(last));
                   }
                   done(error);
                 });
}

otlp_pusher::tally otlp_pusher::counts() const {
  std::lock_guard lock(tally_mutex_);
  return tally_;
}

asio::awaitable<std::string> otlp_pusher::push_once(std::string body) {
  auto const where = target_.url;
  // The deadline's handler may already be queued when the push ends: what it closes outlives this frame.
  struct exchange {
    tcp::socket socket;
    bool timed_out = false;
    explicit exchange(asio::io_context& io) : socket(io) {}
  };
  auto const x = std::make_shared<exchange>(io_);
  auto& socket = x->socket;
  asio::steady_timer deadline(io_, target_.timeout);
  deadline.async_wait([x](boost::system::error_code ec) {
    if (ec) return;
    x->timed_out = true;
    boost::system::error_code ignored;
    x->socket.close(ignored);
  });
  auto const failed = [&](std::string const& what) {
    return x->timed_out ? fmt::format("{}: no answer within {} ms", where, target_.timeout.count())
                        : where + ": " + what;
  };
  auto [connect_ec, at] = co_await asio::async_connect(socket, target_.addresses, use_tuple);
  (void)at;
  if (connect_ec) co_return failed(connect_ec.message());
  std::string request = fmt::format(
      "POST {} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
      target_.path, target_.host, body.size());
  for (auto const& [k, v] : target_.headers) request += fmt::format("{}: {}\r\n", k, v);
  request += "\r\n";
  request += body;
  auto [write_ec, written] = co_await asio::async_write(socket, asio::buffer(request), use_tuple);
  (void)written;
  if (write_ec) co_return failed(write_ec.message());
  asio::streambuf answer(max_answer_head);
  auto [read_ec, n] = co_await asio::async_read_until(socket, answer, "\r\n", use_tuple);
  deadline.cancel();
  if (read_ec) co_return failed(read_ec.message());
  std::string_view const line(static_cast<char const*>(answer.data().data()), n);
  // "HTTP/1.1 200 OK": any 2xx is taken (OTLP answers 200, some collectors 202).
  if (line.size() >= 12 && line.starts_with("HTTP/1.") && line[9] == '2') co_return std::string();
  co_return failed("the collector answered " + message_text(line.substr(0, line.size() - 2), 200));
}

}  // namespace candar::detail
