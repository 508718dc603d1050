#include "actors/node_agent.hpp"

namespace troupe {

node_agent_actor::behavior_type node_agent(std::string name) {
  return {
    [name](atoms::node_name_atom) { return name; },
  };
}

} // namespace troupe
