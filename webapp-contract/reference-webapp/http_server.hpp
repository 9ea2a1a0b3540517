#pragma once
// The webapp's HTTP/1.1 server on Beast, kept apart so the game code sees plain structs: keep-alive
// connections, one coroutine each, on a few threads; a reply may ask to be delayed (the slow-endpoint fault)
// without holding a thread.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace isuchair::webapp {

struct http_request {
  std::string method;
  std::string target;  // path and query
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  // The first header of that name, case-insensitively.
  [[nodiscard]] std::optional<std::string_view> header(std::string_view name) const;
  [[nodiscard]] std::string_view path() const;
};

struct http_reply {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::chrono::milliseconds delay{};
};

using http_handler = std::function<http_reply(http_request const&)>;

class http_server {
 public:
  // Binds at once (throws std::runtime_error when it cannot); port 0 picks a free one.
  http_server(std::string const& address, std::uint16_t port, http_handler handler);
  ~http_server();
  http_server(http_server const&) = delete;
  http_server& operator=(http_server const&) = delete;

  [[nodiscard]] std::uint16_t port() const noexcept;
  // Serves on `threads` threads until SIGINT or SIGTERM.
  void run(std::size_t threads);

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace isuchair::webapp
