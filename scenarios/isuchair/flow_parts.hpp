#pragma once
// What the flows' files share beyond flows.hpp: a user's browser per loop, the existing user's flow as a
// building block (Prepare's validation pass plays it strictly), and the refusal probes (Load and Prepare).
#include <random>

#include <boost/asio/awaitable.hpp>

#include "flows.hpp"

namespace isuchair {

// The user's browser on this loop: the same one as on their last visit here, so that the static files come
// from its cache (fresh) or are revalidated (304), as a returning visitor's are.
candar::agent& browser_of(flow_env& env, model_user const& u);
// A user who left the pool: their browser on this loop goes too.
void forget_browser(flow_env& env, model_user const& u);
// Runs an existing user's flow, again from the start when a refresh refuses it (at most 3 attempts); `strict`
// (Prepare) also requires cached copies of the static files.
boost::asio::awaitable<flow_end> existing_user_with_restarts(candar::step& s, flow_env& env, model_user& u,
                                                             bool strict);
// Requests a correct webapp refuses (contract.json's 401, 403 and 409): without them a webapp that skips the
// session check, lets one user act on another's data, or grants the login reward twice would score as much for
// less work. Each served one is a critical must-refuse error naming the endpoint and the status expected.
boost::asio::awaitable<void> refusal_probes(candar::step& s, flow_env& env, std::mt19937_64& rng);

}  // namespace isuchair
