#include "master_link.hpp"

#include <zmq.hpp>

#include <cstring>
#include <stdexcept>

namespace candar::locust {

namespace {
// A master's messages are a few hundred bytes (a spawn with its parsed options: a few KB). A larger frame is
// refused by ZeroMQ before it is read, so a hostile master cannot make the worker decode gigabytes.
constexpr std::int64_t max_message_bytes = 1024 * 1024;
}  // namespace

master_link::master_link(std::string endpoint, std::string node_id)
    : endpoint_(std::move(endpoint)), node_id_(std::move(node_id)), context_(std::make_unique<zmq::context_t>(1)) {
  open();
}

master_link::~master_link() { close(std::chrono::milliseconds(0)); }

void master_link::open() {
  socket_ = std::make_unique<zmq::socket_t>(*context_, zmq::socket_type::dealer);
  socket_->set(zmq::sockopt::routing_id, node_id_);  // the master answers the identity the messages name
  socket_->set(zmq::sockopt::immediate, 1);
  socket_->set(zmq::sockopt::tcp_keepalive, 1);
  socket_->set(zmq::sockopt::ipv6, 1);  // "[::1]" as well as IPv4 and names
  socket_->set(zmq::sockopt::maxmsgsize, max_message_bytes);
  socket_->set(zmq::sockopt::linger, 0);
  try {
    socket_->connect(endpoint_);
  } catch (zmq::error_t const& e) {
    socket_.reset();
    throw std::invalid_argument("cannot connect to " + endpoint_ + ": " + e.what());
  }
  // Events come on a PAIR socket of our own, through an in-process address unique to this socket.
  auto const address = "inproc://candar-master-monitor-" + std::to_string(++sockets_opened_);
  if (zmq_socket_monitor(socket_->handle(), address.c_str(), ZMQ_EVENT_DISCONNECTED) == 0) {
    monitor_ = std::make_unique<zmq::socket_t>(*context_, zmq::socket_type::pair);
    monitor_->set(zmq::sockopt::linger, 0);
    monitor_->connect(address);
  }
}

void master_link::close_socket() noexcept {
  if (monitor_ && socket_) zmq_socket_monitor(socket_->handle(), nullptr, 0);
  monitor_.reset();
  socket_.reset();
}

void master_link::reconnect() {
  close_socket();
  open();
}

void master_link::close(std::chrono::milliseconds linger) {
  if (!socket_) return;
  socket_->set(zmq::sockopt::linger, static_cast<int>(linger.count()));
  close_socket();
  context_.reset();  // waits for the lingering messages, up to `linger`
}

bool master_link::send(std::string_view type, std::string_view data) {
  msgpack::writer w;
  w.array(3).str(type);
  std::string frame = w.take();
  if (data.empty()) {
    frame += msgpack::writer().nil().bytes();
  } else {
    frame += data;
  }
  frame += msgpack::writer().str(node_id_).bytes();
  try {
    return socket_->send(zmq::buffer(frame), zmq::send_flags::dontwait).has_value();
  } catch (zmq::error_t const&) {
    return false;
  }
}

void master_link::read_monitor() {
  // An event is two frames: 6 bytes (event id, value), then the endpoint.
  zmq::message_t part;
  while (monitor_->recv(part, zmq::recv_flags::dontwait)) {
    if (part.size() >= 2) {
      std::uint16_t event = 0;
      std::memcpy(&event, part.data(), sizeof event);
      if (event == ZMQ_EVENT_DISCONNECTED) disconnected_ = true;
    }
    while (part.more() && monitor_->recv(part, zmq::recv_flags::dontwait)) {
    }
  }
}

std::optional<master_message> master_link::receive(std::chrono::milliseconds wait) {
  zmq::message_t frame;
  try {
    zmq::pollitem_t items[2] = {{socket_->handle(), 0, ZMQ_POLLIN, 0}, {nullptr, 0, ZMQ_POLLIN, 0}};
    std::size_t const count = monitor_ ? 2 : 1;
    if (monitor_) items[1].socket = monitor_->handle();
    if (zmq::poll(items, count, wait) == 0) return std::nullopt;
    if (count == 2 && (items[1].revents & ZMQ_POLLIN) != 0) read_monitor();
    if ((items[0].revents & ZMQ_POLLIN) == 0) return std::nullopt;
    if (!socket_->recv(frame, zmq::recv_flags::dontwait)) return std::nullopt;
    if (frame.more()) {  // the master sends one frame per message: a multi-part one is not its
      zmq::message_t rest;
      while (socket_->recv(rest, zmq::recv_flags::dontwait) && rest.more()) {
      }
      ++malformed_;
      return std::nullopt;
    }
  } catch (zmq::error_t const&) {  // EINTR: a signal; the caller looks again
    return std::nullopt;
  }
  auto v = msgpack::read(frame.to_string_view());
  auto const* parts = v ? v->as_array() : nullptr;
  if (parts == nullptr || parts->size() < 2 || (*parts)[0].as_string() == nullptr) {
    ++malformed_;
    return std::nullopt;
  }
  return master_message{*(*parts)[0].as_string(), (*parts)[1]};
}

}  // namespace candar::locust
