#include "dns_channel.hpp"

#include <utility>

namespace candar::detail {

namespace asio = boost::asio;

dns_channel::dns_channel(asio::any_io_executor const& executor, std::vector<std::string> const& servers)
    : ex_(executor), timer_(executor) {
  ares_options o{};
  o.sock_state_cb = &dns_channel::on_socket_state;
  o.sock_state_cb_data = this;
  if (int const status = ares_init_options(&handle_, &o, ARES_OPT_SOCK_STATE_CB); status != ARES_SUCCESS) {
    init_failure_ = ares_strerror(status);
    handle_ = nullptr;
    return;
  }
  if (servers.empty()) return;
  std::string csv;
  for (auto const& s : servers) csv.append(csv.empty() ? "" : ",").append(s);
  if (int const status = ares_set_servers_ports_csv(handle_, csv.c_str()); status != ARES_SUCCESS) {
    init_failure_ = "bad DNS server list '" + csv + "': " + ares_strerror(status);
  }
}

void dns_channel::close() noexcept {
  if (handle_ != nullptr) ares_destroy(std::exchange(handle_, nullptr));
  for (auto& [fd, w] : sockets_) release(*w);
  sockets_.clear();
  timer_.cancel();
}

void dns_channel::release(socket_watch& w) noexcept {
  w.open = false;
  w.descriptor.release();  // c-ares closes the socket itself; waits still pending end with operation_aborted
}

void dns_channel::on_socket_state(void* data, ares_socket_t fd, int readable, int writable) {
  auto& self = *static_cast<dns_channel*>(data);
  auto it = self.sockets_.find(fd);
  if (readable == 0 && writable == 0) {
    if (it != self.sockets_.end()) {
      release(*it->second);
      self.sockets_.erase(it);
    }
    return;
  }
  if (it == self.sockets_.end()) {
    auto w = std::make_shared<socket_watch>(socket_watch{asio::posix::stream_descriptor(self.ex_, fd)});
    it = self.sockets_.emplace(fd, std::move(w)).first;
  }
  it->second->want_read = readable != 0;
  it->second->want_write = writable != 0;
  self.watch(it->second, fd);
}

void dns_channel::watch(std::shared_ptr<socket_watch> const& w, ares_socket_t fd) {
  if (w->want_read && !w->reading) {
    w->reading = true;
    w->descriptor.async_wait(asio::posix::descriptor_base::wait_read, [this, w, fd](boost::system::error_code ec) {
      w->reading = false;
      if (ec || !w->open || handle_ == nullptr) return;
      ares_process_fd(handle_, fd, ARES_SOCKET_BAD);
      if (w->open) watch(w, fd);
      arm_timer();
    });
  }
  if (w->want_write && !w->writing) {
    w->writing = true;
    w->descriptor.async_wait(asio::posix::descriptor_base::wait_write, [this, w, fd](boost::system::error_code ec) {
      w->writing = false;
      if (ec || !w->open || handle_ == nullptr) return;
      ares_process_fd(handle_, ARES_SOCKET_BAD, fd);
      if (w->open) watch(w, fd);
      arm_timer();
    });
  }
}

void dns_channel::arm_timer() {
  if (handle_ == nullptr) return;
  timeval tv{};
  timeval const* next = ares_timeout(handle_, nullptr, &tv);
  if (next == nullptr) {
    timer_.cancel();
    return;
  }
  timer_.expires_after(std::chrono::seconds(next->tv_sec) + std::chrono::microseconds(next->tv_usec));
  timer_.async_wait([this](boost::system::error_code ec) {
    if (ec || handle_ == nullptr) return;  // moved, or closing
    ares_process_fd(handle_, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
    arm_timer();
  });
}

}  // namespace candar::detail
