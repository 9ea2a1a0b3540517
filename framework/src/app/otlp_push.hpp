#pragma once
// OTLP/HTTP JSON metrics pushed while a run lasts, configured as every OpenTelemetry SDK is: from the
// environment (OTEL_EXPORTER_OTLP_ENDPOINT, or OTEL_EXPORTER_OTLP_METRICS_ENDPOINT as is; _HEADERS; _TIMEOUT;
// _PROTOCOL; OTEL_METRIC_EXPORT_INTERVAL and _TIMEOUT in ms; OTEL_SERVICE_NAME; OTEL_METRICS_EXPORTER;
// OTEL_SDK_DISABLED). As an SDK does, a setting it cannot follow is a warning, not a refusal to run: the variables
// may be set for other programs. Plain http and http/json only: a collector near the benchmarker. Its name is
// resolved once, before the run (a DNS lookup cannot be cut short later). Pushes run on the supervisor's control
// thread, one at a time, each bounded by the export timeout.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

namespace candar::detail {

struct otlp_target {
  std::string url;   // where the JSON goes: http://HOST:PORT/PATH
  std::string host;  // as the Host header says it (an IPv6 address in brackets)
  std::string path;
  std::vector<boost::asio::ip::tcp::endpoint> addresses;  // the host's, resolved once
  std::vector<std::pair<std::string, std::string>> headers;
  std::chrono::milliseconds interval{60'000};
  std::chrono::milliseconds timeout{10'000};
  std::string service_name;
};

struct otlp_setup {
  std::optional<otlp_target> target;  // none: no endpoint set, OTLP disabled, or a setting it cannot follow
  std::vector<std::string> warnings;  // each names its variable (never a header's value: it may be a token)
};
// From the environment.
[[nodiscard]] otlp_setup otlp_from_environment(std::string const& default_service_name);

class otlp_pusher {
 public:
  using body_source = std::function<std::string()>;                    // the JSON, built on the io thread at each push
  using done_handler = std::function<void(std::string const& error)>;  // "" when the collector took it

  otlp_pusher(boost::asio::io_context& io, otlp_target target, body_source body);
  otlp_pusher(otlp_pusher const&) = delete;
  otlp_pusher& operator=(otlp_pusher const&) = delete;

  // A push every interval from now on (on the io thread); a push still under way when the next is due skips it.
  void start_every_interval();
  // One push now (on the io thread): done gets its outcome.
  void push_now(done_handler done);
  // The last push (on the io thread): no more every interval; it starts once a push under way has ended, so the
  // collector gets the last figures last.
  void push_last(done_handler done);

  [[nodiscard]] otlp_target const& target() const noexcept { return target_; }
  struct tally {
    std::uint64_t pushed = 0;
    std::uint64_t failed = 0;
    std::string first_error;
  };
  [[nodiscard]] tally counts() const;

 private:
  boost::asio::awaitable<std::string> push_once(std::string body);
  void tick();

  boost::asio::io_context& io_;
  otlp_target target_;
  body_source body_;
  boost::asio::steady_timer every_;
  bool pushing_ = false;
  bool stopped_ = false;
  std::optional<done_handler> last_;  // push_last's, waiting for the push under way
  mutable std::mutex tally_mutex_;
  tally tally_;
};

}  // namespace candar::detail
