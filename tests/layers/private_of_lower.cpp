// Compiled as the html layer's sources are: a connection is the http layer's own, not one it shares.
#include "agent/connection.hpp"
