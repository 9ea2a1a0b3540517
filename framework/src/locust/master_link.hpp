#pragma once
// The worker's end of a Locust master's ZeroMQ socket: a DEALER whose identity is the worker's node id, talking
// in msgpack triples [type, data, node_id]. Only the thread that made it may use it (ZeroMQ sockets are not
// thread-safe); the worker's session thread is that thread.
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "msgpack.hpp"

namespace zmq {
class context_t;
class socket_t;
}  // namespace zmq

namespace candar::locust {

struct master_message {
  std::string type;
  msgpack::value data;
};

class master_link {
 public:
  // Throws std::invalid_argument when ZeroMQ refuses the endpoint (a host it cannot read).
  master_link(std::string endpoint, std::string node_id);
  ~master_link();
  master_link(master_link const&) = delete;
  master_link& operator=(master_link const&) = delete;

  // Sends [type, data, node_id]; `data` is one msgpack value already written (nil when empty). False when the
  // master is not connected: messages are never queued for a master that is not there (ZMQ_IMMEDIATE), so a
  // report that could not go is still the worker's to keep.
  bool send(std::string_view type, std::string_view data = {});
  // The next message, waiting up to `wait`. Frames that are not a [type, data, ...] triple are counted and
  // dropped: a broken master cannot stop the worker.
  std::optional<master_message> receive(std::chrono::milliseconds wait);
  // Closes the socket and opens a new one to the same master (the master's "reconnect").
  void reconnect();
  // Whether the connection to the master dropped since the last call (the master process ended or restarted):
  // a master that comes back on the same port knows nothing of this worker, which must announce itself again.
  bool take_disconnected() noexcept { return std::exchange(disconnected_, false); }
  // Closes the socket, waiting up to `linger` for what was sent to leave.
  void close(std::chrono::milliseconds linger);

  [[nodiscard]] std::uint64_t malformed() const noexcept { return malformed_; }

 private:
  void open();
  void close_socket() noexcept;
  void read_monitor();

  std::string const endpoint_;
  std::string const node_id_;
  std::unique_ptr<zmq::context_t> context_;
  std::unique_ptr<zmq::socket_t> socket_;
  std::unique_ptr<zmq::socket_t> monitor_;  // the socket's ZMQ_EVENT_DISCONNECTED events
  std::uint64_t sockets_opened_ = 0;
  bool disconnected_ = false;
  std::uint64_t malformed_ = 0;
};

}  // namespace candar::locust
