#pragma once
// --producer-props / --consumer-props: Kafka property names mapped onto the
// client's settings. An unknown name is an error, not silently ignored.

#include <optional>
#include <string>
#include <vector>

#include "client/consumer.h"
#include "client/producer.h"
#include "tools/options.h"
#include "tools/result.h"

namespace sluice::tools {

result<client::producer_config> producer_props(const std::vector<std::string>& props);
result<client::consumer_config> consumer_props(const std::vector<std::string>& props);

// --producer.config / --consumer.config: the file's k=v lines (blank lines
// and # or ! comments skipped, spaces around '=' trimmed) followed by
// `props`, so that the command line wins, as in Kafka's tools.
result<std::vector<std::string>> with_config_file(const std::string& path,
                                                  const std::vector<std::string>& props);

// The last value given for `key` in k=v props (nullopt if none).
std::optional<std::string> prop_value(const std::vector<std::string>& props,
                                      const std::string& key);

// Moves the perf command's config files into its props and takes
// bootstrap.servers / client.id from them unless -b (or
// SLUICE_BOOTSTRAP_SERVERS) / --client-id said otherwise (Kafka's perf tools
// connect where their properties say).
status resolve_perf_options(const std::string& command, common_options& common, perf_options& perf);

}  // namespace sluice::tools
