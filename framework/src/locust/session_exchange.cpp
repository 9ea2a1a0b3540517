// What the session says to the master (ready, heartbeats, reports, exceptions) and what it does with what the
// master says (ack, spawn, stop, quit, reconnect, heartbeat).
#include <fmt/format.h>

#include "spawn_plan.hpp"
#include "worker_session.hpp"

namespace candar::locust::detail {

bool session::send_ready() {
  // -1: "skip the version check" (Locust's own workers send their version); any master version is accepted.
  return link_.send("client_ready", msgpack::writer().integer(-1).bytes());
}

void session::delivered(bool ok) {
  if (ok) last_delivered_ = clock_type::now();
}

void session::send_heartbeat() {
  auto const now = clock_type::now();
  double const cpu = process_cpu_seconds();
  double const wall = std::chrono::duration<double>(now - cpu_measured_at_).count();
  // Of the cores the worker's loops can use: the master warns at 90 %, meant for a one-core Python worker.
  double const percent = wall > 0 ? (cpu - cpu_at_) / wall * 100.0 / static_cast<double>(loops_) : 0.0;
  cpu_at_ = cpu;
  cpu_measured_at_ = now;
  delivered(link_.send("heartbeat", heartbeat_body(state_, percent, process_resident_bytes())));
}

bool session::send_report() {
  auto report = stats_access::of(stats_).take();
  if (pending_) {
    pending_->merge(std::move(report));
    report = std::move(*pending_);
    pending_.reset();
  }
  msgpack::writer w;
  report.write(w, users_.counts());
  bool const ok = link_.send("stats", w.bytes());
  delivered(ok);
  if (ok) {
    summary_.requests += report.total.num_requests;
    summary_.failures += report.total.num_failures;
    ++summary_.reports;
  } else {
    pending_ = std::move(report);
  }
  for (auto const& what : users_.take_exceptions()) {
    link_.send("exception", exception_body(what, "a candar worker's user flow threw: " + what));
  }
  return ok;
}

void session::handle(master_message const& m) {
  if (m.type == "ack") {
    if (acked_) return;
    acked_ = true;
    ever_acked_ = true;
    auto const index = m.data.find("index");
    log(fmt::format("connected to the Locust master at {} (worker index {})", endpoint_,
                    index && index->as_integer() ? *index->as_integer() : -1));
    auto const now = clock_type::now();
    last_delivered_ = now;
    next_heartbeat_ = now;
    next_report_ = now + report_interval;
    state_ = "ready";
  } else if (m.type == "spawn") {
    spawn(m.data);
  } else if (m.type == "stop") {
    stop_users();
    state_ = "stopped";
    send_report();
    link_.send("client_stopped");
    log("the master stopped the test; waiting for the next one");
    state_ = "ready";
    rejoin();
  } else if (m.type == "quit") {
    // The master waits only half a second for the last report: it goes before the users are stopped, and
    // nothing recorded after it is counted anywhere.
    stats_access::of(stats_).close();
    send_report();
    stop_users();
    end(worker_end::master_quit, "the Locust master ended the test");
  } else if (m.type == "reconnect") {
    // The master could not read a message of ours: a new socket, and the users go on (as Locust's do).
    log("the master asked the worker to reconnect");
    link_.reconnect();
    rejoin();
  } else if (m.type == "heartbeat") {  // Locust 2.19+ masters send them too
    master_heartbeats_ = true;
    last_master_heartbeat_ = clock_type::now();
  }
}

void session::spawn(msgpack::value const& data) {
  if (!acked_) return;  // a spawn before the ack is not for this session
  auto const message = read_spawn(data);
  if (!message) return;
  if (message->timestamp) {
    // Locust sends each spawn once; one that is not newer than the last was already applied.
    if (last_spawn_ && *message->timestamp <= *last_spawn_) return;
    last_spawn_ = message->timestamp;
  }
  auto const plan = plan_spawn(message->asked, options_.max_users, [this](std::string const& name) {
    return static_cast<bool>(options_.default_flow) || options_.flows.contains(name);
  });
  if (plan.capped && !capped_) {  // once per ramp-up over the limit, not at each of its spawn messages
    tell_master(
        fmt::format("the master asked this candar worker for {} users; it runs at most {} "
                    "(worker_config::max_users)",
                    plan.asked, options_.max_users));
  }
  capped_ = plan.capped;
  state_ = "spawning";
  link_.send("spawning");
  for (auto const& name : users_.set(plan.counts)) {
    if (warned_unknown_.insert(name).second) {
      tell_master(fmt::format("this candar worker has no flow for the user class {}: it runs none of them", name));
    }
  }
  delivered(link_.send("spawning_complete", spawning_complete_body(users_.counts())));
  state_ = "running";
}

void session::tell_master(std::string const& text) {
  log(text);
  link_.send("exception", exception_body(text, text));
}

}  // namespace candar::locust::detail
