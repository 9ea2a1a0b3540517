#include "support/nginx_server.hpp"

#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <utime.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "support/http_server.hpp"
#include "support/self_signed.hpp"

extern char** environ;

namespace candar::test {

namespace fs = std::filesystem;
namespace asio = boost::asio;

namespace {
bool accepts(unsigned short port) {
  asio::io_context io;
  asio::ip::tcp::socket s(io);
  boost::system::error_code ec;
  s.connect({asio::ip::make_address("127.0.0.1"), port}, ec);
  return !ec;
}
}  // namespace

nginx_server::nginx_server(std::string const& server_block, nginx_listen listen) : tls_(listen.tls) {
  char dir_template[] = "/tmp/candar-nginx-XXXXXX";
  if (mkdtemp(dir_template) == nullptr) throw std::runtime_error("nginx_server: mkdtemp failed");
  prefix_ = dir_template;
  docroot_ = prefix_ + "/html";
  fs::create_directories(docroot_);
  fs::create_directories(prefix_ + "/logs");
  fs::create_directories(prefix_ + "/tmp");
  // nginx's worker runs as an unprivileged user: it must be able to read the docroot.
  fs::permissions(prefix_, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                               fs::perms::others_read | fs::perms::others_exec);
  port_ = closed_port();
  std::string listen_line =
      "listen 127.0.0.1:" + std::to_string(port_) + (listen.tls ? " ssl" : "") + (listen.http2 ? " http2" : "") + ";\n";
  if (listen.tls) {
    auto const pem = make_self_signed();
    std::ofstream(prefix_ + "/cert.pem") << pem.certificate;
    std::ofstream(prefix_ + "/key.pem") << pem.private_key;
    listen_line += "    ssl_certificate " + prefix_ + "/cert.pem;\n    ssl_certificate_key " + prefix_ + "/key.pem;\n";
  }
  if (listen.log_requests) listen_line += "    access_log " + prefix_ + "/logs/access.log combined;\n";
  std::ofstream conf(prefix_ + "/nginx.conf");
  conf << "daemon off;\nmaster_process off;\nworker_processes 1;\npid " << prefix_ << "/nginx.pid;\n"
       << "error_log " << prefix_ << "/logs/error.log warn;\nevents { worker_connections 256; }\n"
       << "http {\n  access_log off;\n  default_type text/plain;\n"
       << "  client_body_temp_path " << prefix_ << "/tmp; proxy_temp_path " << prefix_ << "/tmp; fastcgi_temp_path "
       << prefix_ << "/tmp; uwsgi_temp_path " << prefix_ << "/tmp; scgi_temp_path " << prefix_ << "/tmp;\n"
       << "  server {\n    " << listen_line << "    root " << docroot_ << ";\n"
       << server_block << "\n  }\n}\n";
  conf.close();
  std::string const conf_path = prefix_ + "/nginx.conf";
  char const* nginx = fs::exists("/usr/sbin/nginx") ? "/usr/sbin/nginx" : "nginx";
  std::vector<std::string> args{nginx, "-p", prefix_, "-c", conf_path};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  if (posix_spawnp(&pid_, nginx, nullptr, nullptr, argv.data(), environ) != 0) {
    throw std::runtime_error("nginx_server: cannot start nginx (is the nginx package installed?)");
  }
  // Readiness: nginx accepts once it has bound its port. Bounded, and it fails loudly if nginx died.
  for (int attempt = 0; attempt < 500; ++attempt) {
    if (accepts(port_)) return;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("nginx_server: nginx exited; see " + prefix_ + "/logs/error.log");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  throw std::runtime_error("nginx_server: nginx did not accept connections on port " + std::to_string(port_));
}

nginx_server::~nginx_server() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
  std::error_code ignored;  // a leftover temp dir is harmless
  fs::remove_all(prefix_, ignored);
}

std::string nginx_server::url() const {
  return (tls_ ? "https://127.0.0.1:" : "http://127.0.0.1:") + std::to_string(port_);
}

std::string nginx_server::take_access_log() const {
  auto const file = prefix_ + "/logs/access.log";
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  in.close();
  std::ofstream(file, std::ios::trunc).close();  // nginx appends: its next line goes at the start
  return text.str();
}

void nginx_server::write_file(std::string const& path, std::string const& content, long age_seconds) const {
  fs::path const file = fs::path(docroot_) / path;
  fs::create_directories(file.parent_path());
  std::ofstream(file) << content;
  fs::permissions(file,
                  fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read | fs::perms::others_read);
  if (age_seconds > 0) {
    auto const then = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now()) - age_seconds;
    utimbuf times{then, then};
    utime(file.c_str(), &times);
  }
}

}  // namespace candar::test
