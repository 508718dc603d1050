#include "messages/cluster.hpp"

namespace troupe {

std::string to_string(node_event_kind x) {
  switch (x) {
    case node_event_kind::lost:
      return "lost";
    case node_event_kind::rejoined:
      return "rejoined";
    case node_event_kind::replica_lost:
      return "replica lost";
  }
  return "?";
}

} // namespace troupe
