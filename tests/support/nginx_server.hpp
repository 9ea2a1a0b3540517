#pragma once
// nginx from Debian, started by a test on a free port with its own temporary prefix and config, for the
// real-world behaviour a scripted server would only imitate (ETag, Last-Modified, gzip, keep-alive limits).
#include <sys/types.h>
#include <string>

namespace candar::test {

// How nginx listens: TLS with a certificate made for the test (self-signed, localhost / 127.0.0.1), and HTTP/2
// (with TLS: offered in ALPN beside http/1.1; without: h2c, prior knowledge only).
struct nginx_listen {
  bool tls = false;
  bool http2 = false;
  bool log_requests = false;  // an access log in nginx's "combined" format (take_access_log)
};

class nginx_server {
 public:
  // `server_block` goes inside `server { listen ...; root <docroot>; ... }`.
  explicit nginx_server(std::string const& server_block, nginx_listen listen = {});
  ~nginx_server();
  nginx_server(nginx_server const&) = delete;
  nginx_server& operator=(nginx_server const&) = delete;

  [[nodiscard]] std::string url() const;
  [[nodiscard]] std::string const& docroot() const noexcept { return docroot_; }
  // Writes a file under the docroot; `age_seconds` sets its modification time that far in the past.
  void write_file(std::string const& path, std::string const& content, long age_seconds = 0) const;
  // The access log so far, which starts over empty.
  [[nodiscard]] std::string take_access_log() const;

 private:
  std::string prefix_;
  std::string docroot_;
  unsigned short port_ = 0;
  bool tls_ = false;
  pid_t pid_ = -1;
};

}  // namespace candar::test
