// Compiled as the html layer's sources are: the http layer's public headers and a private header it shares.
#include "agent/web_url.hpp"
#include "candar/agent/agent.hpp"
#include "candar/failure/error.hpp"
