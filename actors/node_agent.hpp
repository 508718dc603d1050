#pragma once

// A node process's agent (`troupe node`, docs/cluster.md): published at the
// node's address, it is what a coordinator connects to. It answers the
// node's name, so that the coordinator knows it reached the node its
// scenario names; replicas are spawned on the node through CAF's middleman,
// not through the agent.

#include <string>

#include <caf/typed_event_based_actor.hpp>

#include "messages/interfaces.hpp"

namespace troupe {

node_agent_actor::behavior_type node_agent(std::string name);

} // namespace troupe
