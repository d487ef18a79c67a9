#pragma once
// Entry point of the broker process: builds the shard, serves until SIGTERM or
// SIGINT, shuts down cleanly. No Asio in this header; main.cc only parses the
// configuration and calls run_broker.

#include "broker/config.h"

namespace sluice::broker {

// Returns the process exit code: 0 after a clean shutdown, 1 when start-up
// failed (bad listener address, unusable log dir) or the log could not be
// closed cleanly.
int run_broker(const broker_config& cfg);

}  // namespace sluice::broker
