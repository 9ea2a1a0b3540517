#include "master_link.hpp"

#include <zmq.hpp>

#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
// libzmq (Debian's, not built with ThreadSanitizer) hands messages between the worker's session thread and its
// own I/O thread through lock-free queues TSan cannot see into; the memcpy and free it calls on them are then
// reported as races. Only the session thread touches the socket (master_link is not shared), so these reports
// are about libzmq's insides, not candar's. Linked in with master_link, i.e. wherever the worker is.
extern "C" char const* __tsan_default_suppressions() { return "called_from_lib:libzmq.so.5\nrace:libzmq.so.5\n"; }
#endif
#endif

namespace candar::locust {

namespace {
constexpr std::int64_t max_message_bytes = 64 * 1024 * 1024;  // a spawn message is a few hundred bytes
}

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
  socket_->set(zmq::sockopt::maxmsgsize, max_message_bytes);
  socket_->set(zmq::sockopt::linger, 0);
  socket_->connect(endpoint_);
}

void master_link::reconnect() {
  socket_.reset();
  open();
}

void master_link::close(std::chrono::milliseconds linger) {
  if (!socket_) return;
  socket_->set(zmq::sockopt::linger, static_cast<int>(linger.count()));
  socket_.reset();
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

std::optional<master_message> master_link::receive(std::chrono::milliseconds wait) {
  zmq::message_t frame;
  try {
    zmq::pollitem_t item{socket_->handle(), 0, ZMQ_POLLIN, 0};
    if (zmq::poll(&item, 1, wait) == 0) return std::nullopt;
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
