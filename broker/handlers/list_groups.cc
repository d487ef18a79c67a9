// ListGroups (16), v0-5: every live group this coordinator knows, share
// groups included with protocol type "share" (as Kafka lists them). v4+
// filters by state and answers each group's state; v5 filters by type and
// answers it ("classic", "consumer" for KIP-848 groups, "share"). Filters compare
// without case, as Kafka's; an empty filter matches everything, and an
// unknown type or state matches nothing.
#include "protocol/messages/list_groups.h"

#include <algorithm>
#include <cctype>

#include "broker/api_table.h"
#include "broker/group/coordinator.h"
#include "broker/share/coordinator.h"
#include "protocol/message.h"

namespace sluice::broker {
namespace {

bool equal_ignoring_case(std::string_view a, std::string_view b) {
  return std::ranges::equal(
      a, b, [](unsigned char x, unsigned char y) { return std::tolower(x) == std::tolower(y); });
}

bool passes(const std::vector<std::string>& filter, std::string_view value) {
  return filter.empty() || std::ranges::any_of(filter, [&](const std::string& f) {
           return equal_ignoring_case(f, value);
         });
}

}  // namespace

void handle_list_groups(shard_services& shard, request req, respond_fn respond) {
  protocol::list_groups_request body;
  if (protocol::decode_message(req.body, req.header.api_version, body)) {
    return respond(close_connection());
  }
  protocol::list_groups_response resp;
  auto add = [&](const std::string& id, const std::string& protocol_type, std::string state,
                 std::string type) {
    if (!passes(body.states_filter, state) || !passes(body.types_filter, type)) return;
    resp.groups.push_back({id, protocol_type, std::move(state), std::move(type)});
  };
  if (group::coordinator* c = group::coordinator_of(shard)) {
    for (const auto& [id, g] : c->groups()) {
      if (g->state() == group::group_state::dead) continue;
      add(id, g->protocol_type(), group::state_name(g->state()), "classic");
    }
    // KIP-848 groups: protocol type "consumer", type "consumer" (as Kafka).
    for (const auto& [id, g] : c->modern().groups())
      add(id, "consumer", g.state_name(), "consumer");
  } else {
    resp.error_code = protocol::error_code::coordinator_not_available;
  }
  if (share::coordinator* s = share::coordinator_of(shard)) {
    for (const auto& [id, g] : s->groups()) add(id, "share", g->state_name(), "share");
  }
  respond(make_response(req, resp));
}

}  // namespace sluice::broker
