#include "runtime/node_address.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace troupe {

node_address parse_node_address(const std::string& text) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos)
    throw std::invalid_argument("'" + text + "' has no port (expected "
                                "host:port, e.g. 127.0.0.1:7001)");
  node_address result;
  result.host = text.substr(0, colon);
  if (result.host.size() >= 2 && result.host.front() == '['
      && result.host.back() == ']')
    result.host = result.host.substr(1, result.host.size() - 2);
  else if (result.host.find(':') != std::string::npos)
    throw std::invalid_argument("'" + text + "': write an IPv6 address in "
                                "brackets, e.g. [::1]:7001");
  if (result.host.empty())
    throw std::invalid_argument("'" + text + "' has no host");
  auto port = text.substr(colon + 1);
  bool digits = !port.empty() && port.size() <= 5
                && std::all_of(port.begin(), port.end(), [](char c) {
                     return std::isdigit(static_cast<unsigned char>(c));
                   });
  auto value = digits ? std::stoul(port) : 0;
  if (value < 1 || value > 65535)
    throw std::invalid_argument("'" + text + "': the port must be a number "
                                "from 1 to 65535, got '" + port + "'");
  result.port = static_cast<uint16_t>(value);
  return result;
}

bool is_loopback_host(const std::string& host) {
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

} // namespace troupe
