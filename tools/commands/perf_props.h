#pragma once
// --producer-props / --consumer-props: Kafka property names mapped onto the
// client's settings. An unknown name is an error, not silently ignored.

#include <string>
#include <vector>

#include "client/consumer.h"
#include "client/producer.h"
#include "tools/result.h"

namespace sluice::tools {

result<client::producer_config> producer_props(const std::vector<std::string>& props);
result<client::consumer_config> consumer_props(const std::vector<std::string>& props);

}  // namespace sluice::tools
