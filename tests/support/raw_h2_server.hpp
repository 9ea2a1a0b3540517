#pragma once
// A hostile HTTP/2 server for tests: on 127.0.0.1 and a free port, each connection it accepts gets the bytes
// its script says, whatever the client asked for (the client's preface is read first, the rest is read and
// kept for the test, or not read at all). Over TLS it picks h2 by ALPN, with a certificate of its own. The frames are
// built with the helpers below, so that a test can send what no real server would: malformed or oversized frames, HPACK
// bombs, endless CONTINUATION, floods, early GOAWAYs.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace candar::test {

namespace h2_frames {
std::string frame(std::uint8_t type, std::uint8_t flags, std::uint32_t stream, std::string_view payload);
std::string settings(std::vector<std::pair<std::uint16_t, std::uint32_t>> const& values = {});
std::string settings_ack();
// An HPACK field as a literal with a new name, not indexed; `indexed`: added to the dynamic table.
std::string field(std::string_view name, std::string_view value, bool indexed = false);
std::string headers(std::uint32_t stream, std::string_view block, bool end_stream, bool end_headers = true);
std::string continuation(std::uint32_t stream, std::string_view block, bool end_headers);
std::string data(std::uint32_t stream, std::string_view payload, bool end_stream);
std::string rst_stream(std::uint32_t stream, std::uint32_t code);
std::string goaway(std::uint32_t last_stream, std::uint32_t code);
std::string ping();
std::string window_update(std::uint32_t stream, std::uint32_t increment);
}  // namespace h2_frames

struct h2_script {
  std::string bytes;         // sent once the client's preface came
  bool read_after = true;    // then read (and drop) what the client sends until it closes; false: never read
  bool close_after = false;  // then close the connection
  // Between `bytes` and the two above: once the client has sent this many bytes in all, these. A client busy
  // writing a large body then meets them, and, if the server reads no more, a full socket.
  std::size_t later_after = 0;
  std::string later;
};

class raw_h2_server {
 public:
  // `script(n)`: what the n-th connection (0, 1, ...) gets.
  explicit raw_h2_server(std::function<h2_script(int)> script, bool tls = false);
  ~raw_h2_server();
  raw_h2_server(raw_h2_server const&) = delete;
  raw_h2_server& operator=(raw_h2_server const&) = delete;

  [[nodiscard]] std::string url() const;  // http://127.0.0.1:PORT (h2c, prior knowledge), or https://
  // What the client sent on its n-th connection, once it closed it (a hang guard of 30 s for a client that
  // never does: then what came so far).
  [[nodiscard]] std::string sent_by_client(int connection) const;
  [[nodiscard]] int connections_accepted() const;
  [[nodiscard]] std::uint16_t port() const;
  // Connections to this server that this process holds open (ESTABLISHED, its own side; from /proc/net/tcp):
  // a client that closed what it gave up on holds none.
  [[nodiscard]] int client_connections_open() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace candar::test
