#include "tools/commands/run.h"

#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "tools/cli_tree.h"
#include "tools/commands/consume.h"
#include "tools/commands/group.h"
#include "tools/commands/group_config.h"
#include "tools/commands/offsets.h"
#include "tools/commands/perf.h"
#include "tools/commands/perf_props.h"
#include "tools/commands/produce.h"
#include "tools/commands/share.h"
#include "tools/commands/topic.h"

namespace sluice::tools {
namespace {

using command_fn = std::function<awaitable<status>(session&, const cli_options&)>;

const std::map<std::string, command_fn>& commands() {
  static const std::map<std::string, command_fn> table{
      {"topic create", [](session& s, const cli_options& o) { return topic_create(s, o.topic); }},
      {"topic list", [](session& s, const cli_options& o) { return topic_list(s, o.topic); }},
      {"topic describe",
       [](session& s, const cli_options& o) { return topic_describe(s, o.topic); }},
      {"topic delete", [](session& s, const cli_options& o) { return topic_delete(s, o.topic); }},
      {"topic alter", [](session& s, const cli_options& o) { return topic_alter(s, o.topic); }},
      {"produce", [](session& s, const cli_options& o) { return produce_command(s, o.produce); }},
      {"consume", [](session& s, const cli_options& o) { return consume_command(s, o.consume); }},
      {"share consume", [](session& s, const cli_options& o) { return share_consume(s, o.share); }},
      {"group list", [](session& s, const cli_options& o) { return group_list(s, o.group); }},
      {"group describe",
       [](session& s, const cli_options& o) { return group_describe(s, o.group); }},
      {"group delete", [](session& s, const cli_options& o) { return group_delete(s, o.group); }},
      {"group reset-offsets",
       [](session& s, const cli_options& o) { return group_reset_offsets(s, o.group); }},
      {"group wait", [](session& s, const cli_options& o) { return group_wait(s, o.group); }},
      {"group config", [](session& s, const cli_options& o) { return group_config(s, o.group); }},
      {"offsets", [](session& s, const cli_options& o) { return offsets_command(s, o.offsets); }},
      {"perf produce", [](session& s, const cli_options& o) { return perf_produce(s, o.perf); }},
      {"perf consume", [](session& s, const cli_options& o) { return perf_consume(s, o.perf); }},
      {"perf e2e", [](session& s, const cli_options& o) { return perf_e2e(s, o.perf); }},
  };
  return table;
}

// The error line is one line whatever the broker or the OS said.
int report_error(const std::string& message, int code) {
  std::string line = message;
  for (auto& c : line)
    if (c == '\n' || c == '\r') c = ' ';
  std::fprintf(stderr, "sluice: error: %s\n", line.c_str());
  return code;
}

}  // namespace

int run_cli(int argc, char** argv) {
  cli_options options;
  std::vector<std::string> args(argv + 1, argv + argc);
  auto parsed = parse_args(options, args);
  if (!parsed.run) {
    if (parsed.is_error) return report_error(parsed.text, parsed.exit_code);
    std::fputs(parsed.text.c_str(), stdout);
    return parsed.exit_code;
  }
  auto it = commands().find(options.command);
  if (it == commands().end()) return report_error("unknown command '" + options.command + "'", 2);
  // Option checks that need no broker come first: a usage error exits 2
  // whether or not a broker is reachable.
  status checked = ok;
  if (options.command == "produce") checked = check_produce_options(options.produce);
  if (options.command == "consume") checked = check_consume_options(options.consume);
  if (options.command.starts_with("perf "))
    checked = resolve_perf_options(options.command, options.common, options.perf);
  if (!checked) return report_error(checked.error().message, checked.error().usage ? 2 : 1);
  auto outcome = run_session(options.common, [&](session& s) { return it->second(s, options); });
  if (!outcome) return report_error(outcome.error().message, outcome.error().usage ? 2 : 1);
  return 0;
}

}  // namespace sluice::tools
