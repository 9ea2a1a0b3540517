#include "trace_source.hpp"

#include <atomic>

namespace candar::detail {

namespace {

// The run's seed once trace_this_run() is called; tracing as_run is off until then.
std::atomic<bool> run_traced{false};
std::atomic<std::uint64_t> run_seed{0};
// Each agent draws from its own stream: two users never share a trace id.
std::atomic<std::uint64_t> next_stream{0};

void append_hex(std::string& out, std::uint64_t v) {
  constexpr char digits[] = "0123456789abcdef";
  for (int shift = 60; shift >= 0; shift -= 4) out += digits[(v >> shift) & 0xf];
}

// A draw that is not zero: W3C Trace Context forbids all-zero ids.
std::uint64_t nonzero(seeded_random& r) {
  for (;;) {
    if (auto const v = r.next(); v != 0) return v;
  }
}

}  // namespace

}  // namespace candar::detail

namespace candar {

void trace_this_run(std::uint64_t seed) {
  detail::run_seed.store(seed, std::memory_order_relaxed);
  detail::run_traced.store(true, std::memory_order_release);
}

}  // namespace candar

namespace candar::detail {

std::optional<trace_source> trace_source::for_agent(agent_options const& options) {
  std::uint64_t seed = options.trace_seed;
  switch (options.trace) {
    case trace_use::off:
      return std::nullopt;
    case trace_use::as_run:
      if (!run_traced.load(std::memory_order_acquire)) return std::nullopt;
      seed = run_seed.load(std::memory_order_relaxed);
      break;
    case trace_use::on:
      break;
  }
  // Apart from the seeds scenarios draw their data from (fork(user id)): the stream numbers count down from
  // the top.
  auto const stream = ~next_stream.fetch_add(1, std::memory_order_relaxed);
  return trace_source(seeded_random(seed).fork(stream));
}

trace_source::trace_source(seeded_random stream) : random_(stream) { new_trace(); }

void trace_source::new_trace() {
  trace_id_.clear();
  // 128 bits, not all zero: the high half never is.
  append_hex(trace_id_, nonzero(random_));
  append_hex(trace_id_, random_.next());
}

trace_ids trace_source::next_span() {
  trace_ids ids{trace_id_, {}};
  ids.span_id.reserve(16);
  append_hex(ids.span_id, nonzero(random_));
  return ids;
}

}  // namespace candar::detail
