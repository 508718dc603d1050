#pragma once

// "host:port" as a node's address is written in a scenario's [[nodes]] and
// in `troupe node --listen`: a host name or IPv4 address, or an IPv6
// address in brackets ("[::1]:7001"), then a TCP port from 1 to 65535.

#include <cstdint>
#include <string>

namespace troupe {

struct node_address {
  std::string host;
  uint16_t port = 0;
};

/// The address `text` holds; throws std::invalid_argument saying what is
/// wrong with it.
node_address parse_node_address(const std::string& text);

/// Whether `host` names this machine only (localhost, 127.x.x.x, ::1): a
/// node bound there cannot be reached from another machine.
bool is_loopback_host(const std::string& host);

} // namespace troupe
