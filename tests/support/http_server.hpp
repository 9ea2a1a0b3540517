#pragma once
// A scripted HTTP/1.1 server for tests, on 127.0.0.1 and a free port, running on its own thread. Each request
// goes to the handler, whose reply says what to send: a response, raw bytes, nothing at all, or a close.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace candar::test {

struct seen_request {
  std::string method;
  std::string target;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  [[nodiscard]] std::string header(std::string_view name) const;  // "" when absent
};

struct reply {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::optional<std::string> raw;              // these bytes instead of a response
  bool close_after = false;                    // close the socket after replying (whatever the headers say)
  bool keep_open = false;                      // after raw bytes, read the next request (raw replies close by default)
  bool never_answer = false;                   // read the request and keep the connection open, silent
  std::chrono::milliseconds delay{0};          // answer after this long (a server-side timer)
  std::chrono::milliseconds trickle_every{0};  // raw bytes one at a time, this long apart
};

class http_server {
 public:
  using handler = std::function<reply(seen_request const&)>;

  enum class transport { plain, tls };

  // tls: a certificate made for the test (self-signed, localhost / 127.0.0.1).
  explicit http_server(handler h, transport t = transport::plain);
  ~http_server();
  http_server(http_server const&) = delete;
  http_server& operator=(http_server const&) = delete;

  [[nodiscard]] std::uint16_t port() const noexcept;
  [[nodiscard]] std::string url() const;  // "http://127.0.0.1:PORT" or "https://..."
  // The server name the last TLS client asked for (SNI), "" if none.
  [[nodiscard]] std::string last_sni() const;
  [[nodiscard]] std::size_t connections_accepted() const noexcept;
  [[nodiscard]] std::size_t requests_served() const noexcept;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

// A port on 127.0.0.1 nothing listens on (bound, then released).
std::uint16_t closed_port();

}  // namespace candar::test
