#include "candar/agent/agent.hpp"

#include <stdexcept>

#include "agent_state.hpp"
#include "candar/failure/codes.hpp"
#include "candar/runtime/runtime.hpp"

namespace candar {

namespace asio = boost::asio;

namespace detail {

agent_state::agent_state(asio::any_io_executor e, agent_options o) : ex(std::move(e)), options(std::move(o)) {
  if (!options.base_url.empty()) {
    if (auto base = web_url::parse(options.base_url)) {
      base_url_ = std::make_shared<web_url const>(std::move(*base));
    } else {
      bad_base_url_ = base.error().message();
    }
  }
}

expected<std::shared_ptr<web_url const>> agent_state::resolve(std::string_view target) {
  if (last_url_ && target == last_target_) return last_url_;
  if (!bad_base_url_.empty())
    return error(codes::url, "the agent's base URL '" + options.base_url + "' is not one: " + bad_base_url_);
  auto resolved = web_url::parse(target, base_url_.get());
  if (!resolved) return std::move(resolved).error();
  last_target_ = target;
  last_url_ = std::make_shared<web_url const>(std::move(*resolved));
  return last_url_;
}

}  // namespace detail

request::request(std::shared_ptr<detail::agent_state> owner, std::string method, std::string target)
    : owner_(std::move(owner)), method_(std::move(method)), target_(std::move(target)) {}

request& request::header(std::string_view name, std::string_view value) & {
  headers_.emplace_back(name, value);
  return *this;
}

request& request::json(std::string_view body) & { return this->body(body, "application/json"); }

request& request::field(std::string_view name, std::string_view value) & {
  form_.add(name, value);
  has_form_ = true;
  return *this;
}

request& request::file(std::string_view name, std::string_view filename, std::string_view content_type,
                       std::string_view bytes) & {
  form_.add_file(name, filename, content_type, bytes);
  has_form_ = true;
  return *this;
}

request& request::form(form_data fields) & {
  form_ = std::move(fields);
  has_form_ = true;
  return *this;
}

request& request::multipart(form_data fields) & {
  form_ = std::move(fields);
  has_form_ = true;
  multipart_ = true;
  return *this;
}

request& request::body(std::string_view content, std::string_view content_type) & {
  body_ = content;
  headers_.emplace_back("Content-Type", content_type);
  return *this;
}

request& request::timeout(std::chrono::steady_clock::duration t) & {
  timeout_ = t;
  return *this;
}

request& request::label(std::string_view name) & {
  label_ = name;
  return *this;
}

// The request (with the agent it holds) is moved into the coroutine's frame when send() is called, so the
// awaitable owns everything it needs: the builder may be a temporary, and the agent may go while it is in flight.
asio::awaitable<outcome> request::send() && {
  if (has_form_) {
    // The default boundary seed: the same form is the same bytes on every run (form_data checks the boundary
    // occurs in no value).
    auto encoded = multipart_ || form_.has_files() ? form_.multipart() : form_.urlencoded();
    body(encoded.content, encoded.content_type);
    form_ = {};
    has_form_ = false;
  }
  auto& owner = *owner_;
  return owner.send(std::move(*this));
}

agent::agent(agent_options options) : agent(runtime::current_executor(), std::move(options)) {}

agent::agent(asio::any_io_executor ex, agent_options options)
    : state_(std::make_shared<detail::agent_state>(std::move(ex), std::move(options))) {}

agent::~agent() = default;

request agent::make(std::string_view method, std::string_view target) {
  return request(state_, std::string(method), std::string(target));
}
request agent::get(std::string_view target) { return make("GET", target); }
request agent::post(std::string_view target) { return make("POST", target); }
request agent::put(std::string_view target) { return make("PUT", target); }
request agent::patch(std::string_view target) { return make("PATCH", target); }
request agent::del(std::string_view target) { return make("DELETE", target); }
request agent::head(std::string_view target) { return make("HEAD", target); }

std::size_t agent::connections_opened() const noexcept { return state_->pools.opened(); }

std::size_t agent::connections_idle() const noexcept { return state_->pools.idle(); }

void agent::close_idle() {
  state_->pools.close_idle();
  state_->writer.forget_if_unconnected();
}

agent_options const& agent::options() const noexcept { return state_->options; }

void agent::new_trace() {
  if (state_->tracing) state_->tracing->new_trace();
  if (state_->recorder) state_->recorder->new_flow();
}

std::string agent::trace_id() const { return state_->tracing ? state_->tracing->trace_id() : std::string(); }

cookie_jar& agent::cookies() noexcept { return *state_->cookies; }

void agent::share_cookies_with(agent const& other) {
  if (state_->ex != other.state_->ex) {
    throw std::logic_error("agent::share_cookies_with: the agents live on different event loops");
  }
  state_->cookies = other.state_->cookies;
}

http_cache& agent::cache() noexcept { return state_->cache; }

std::size_t agent::cache_hits() const noexcept { return state_->cache_hits; }

}  // namespace candar
