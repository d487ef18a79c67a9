#include "tools/cli_tree.h"

#include <algorithm>
#include <sstream>

namespace sluice::tools {
namespace {

// Marks `sub` as a runnable command named `path`.
CLI::App* leaf(CLI::App* sub, cli_options& out, std::string path) {
  sub->parse_complete_callback([&out, path] { out.command = path; });
  return sub;
}

// -c/--count: a negative count is refused (CLI11's NonNegativeNumber would
// print its whole double range in the message).
CLI::Validator non_negative() {
  return CLI::Validator(
      [](std::string& v) -> std::string {
        return !v.empty() && v[0] == '-' ? "must be >= 0, got " + v : std::string();
      },
      "N>=0", "non_negative");
}

void add_common(CLI::App* app, common_options& c) {
  app->add_option("-b,--bootstrap-server", c.bootstrap, "Broker address host:port[,host:port]")
      ->envname("SLUICE_BOOTSTRAP_SERVERS")
      ->capture_default_str()
      ->each([&c](const std::string&) { c.bootstrap_given = true; });
  app->add_option("--client-id", c.client_id, "Client id sent to the broker")
      ->capture_default_str();
  app->add_option("--timeout-ms", c.timeout_ms, "Request timeout in milliseconds")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
}

void topic_commands(CLI::App& app, cli_options& out) {
  auto* topic = app.add_subcommand("topic", "Create, list, describe, alter and delete topics");
  topic->require_subcommand(1);
  auto& o = out.topic;

  auto* create = leaf(topic->add_subcommand("create", "Create a topic"), out, "topic create");
  add_common(create, out.common);
  create->add_option("topic", o.topic, "Topic name")->required();
  create->add_option("-p,--partitions", o.partitions, "Partition count (default: the broker's)");
  create->add_option("-r,--replication-factor", o.replication_factor, "Replication factor");
  create->add_option("--config", o.configs, "Topic config k=v (repeatable)")
      ->allow_extra_args(false);
  create->add_flag("--if-not-exists", o.if_not_exists, "Succeed if the topic already exists");

  auto* list =
      leaf(topic->add_subcommand("list", "List topic names, one a line"), out, "topic list");
  add_common(list, out.common);
  list->add_flag("--exclude-internal", o.exclude_internal, "Leave out internal topics");

  auto* describe =
      leaf(topic->add_subcommand("describe", "Describe topics as kafka-topics.sh --describe"), out,
           "topic describe");
  add_common(describe, out.common);
  describe->add_option("topic", o.topic, "Topic name (default: every topic)");
  describe->add_flag("--exclude-internal", o.exclude_internal, "Leave out internal topics");

  auto* del = leaf(topic->add_subcommand("delete", "Delete a topic"), out, "topic delete");
  add_common(del, out.common);
  del->add_option("topic", o.topic, "Topic name")->required();
  del->add_flag("--if-exists", o.if_exists, "Succeed if the topic does not exist");

  auto* alter =
      leaf(topic->add_subcommand("alter", "Add partitions or change configs"), out, "topic alter");
  add_common(alter, out.common);
  alter->add_option("topic", o.topic, "Topic name")->required();
  alter->add_option("-p,--partitions", o.partitions, "New (larger) partition count");
  alter->add_option("--config", o.configs, "Set config k=v (repeatable)")->allow_extra_args(false);
  alter->add_option("--delete-config", o.delete_configs, "Remove a config (repeatable)")
      ->allow_extra_args(false);
}

void produce_command(CLI::App& app, cli_options& out) {
  auto& o = out.produce;
  auto* p = leaf(app.add_subcommand("produce", "Produce lines from stdin (or --follow a file)"),
                 out, "produce");
  add_common(p, out.common);
  p->add_option("-t,--topic", o.topic, "Topic")->required();
  p->add_option("-K,--key-separator", o.key_separator,
                "Split each line at the first SEP into key and value");
  p->add_option("-H,--header", o.headers, "Header k=v added to every record (repeatable)")
      ->allow_extra_args(false);
  p->add_option("-k,--key", o.key, "The same key for every record (one partition)");
  p->add_flag("--key-by-file", o.key_by_file,
              "With --follow: the file's path is every record's key, so one file's lines stay "
              "in order in one partition");
  p->add_option("-p,--partition", o.partition, "Partition (default: by key, else sticky)");
  p->add_option("-z,--compression", o.compression, "none, gzip, snappy, lz4 or zstd")
      ->capture_default_str();
  p->add_option("-a,--acks", o.acks, "0, 1 or all (-1)")->capture_default_str();
  p->add_option("--linger-ms", o.linger_ms, "How long a batch waits for more records")
      ->capture_default_str();
  p->add_option("--batch-size", o.batch_size, "Batch size in bytes")->capture_default_str();
  p->add_option("--delivery-timeout-ms", o.delivery_timeout_ms,
                "How long a record is retried before it fails (delivery.timeout.ms; default "
                "120000, unbounded with --follow)");
  p->add_option("--follow", o.follow,
                "Ship a growing file like tail -F: survives rotation, truncation and restarts");
  p->add_option("--state", o.state,
                "Where --follow keeps its position (default: FILE.sluice-follow)");
  p->add_option("--poll-interval-ms", o.poll_interval_ms, "How often --follow looks for new lines")
      ->capture_default_str();
  p->add_option("--transactional-id", o.transactional_id,
                "Produce in transactions: each group of lines ended by an empty line (or the "
                "end of input; with --follow, each batch read) is committed as one");
  p->add_option("--transaction-lines", o.transaction_lines,
                "With --transactional-id: also end a transaction after this many lines");
}

void consume_command(CLI::App& app, cli_options& out) {
  auto& o = out.consume;
  auto* c = leaf(app.add_subcommand("consume", "Print records, kcat style"), out, "consume");
  add_common(c, out.common);
  c->add_option("-t,--topic", o.topics, "Topic (repeatable)")->required()->allow_extra_args(false);
  c->add_option("-p,--partition", o.partitions, "Partition (repeatable; default: all)")
      ->allow_extra_args(false);
  c->add_option("-o,--offset", o.offset,
                "beginning|end|N|-N|@ms|@-1h|@2026-11-21T10:00:00Z, or a range start:end / @t1:t2 "
                "(end exclusive), kcat's s@ms / e@ms (give -o twice for both)")
      ->capture_default_str()
      ->join(':');
  c->add_option("-c,--count", o.count, "Exit after this many records")->check(non_negative());
  c->add_flag("-e,--exit", o.exit_at_end, "Exit when every partition is at its end");
  c->add_option("-G,--group", o.group, "Consume as a member of this group (commits offsets)");
  c->add_option("-f,--format", o.format,
                "Format: %t topic %p partition %o offset %k key %s value %T timestamp %h headers "
                "%K key length %S value length; \\n \\t escapes (default: %s\\n)");
  c->add_flag("-J,--json", o.json, "One JSON object per record");
  c->add_option("--idle-timeout-ms", o.idle_timeout_ms, "Exit after this long without a record");
  c->add_option("--isolation", o.isolation,
                "read_uncommitted (every record) or read_committed (committed transactions "
                "only; ends at the last stable offset)")
      ->capture_default_str();
}

void share_commands(CLI::App& app, cli_options& out) {
  auto& o = out.share;
  auto* share = app.add_subcommand("share", "Share groups (KIP-932): queue-style consumption");
  share->require_subcommand(1);
  auto* c = leaf(share->add_subcommand("consume", "Print records handed out by a share group"), out,
                 "share consume");
  add_common(c, out.common);
  c->add_option("-G,--group", o.group, "Share group")->required();
  c->add_option("-t,--topic", o.topics, "Topic (repeatable)")->required()->allow_extra_args(false);
  c->add_option("--ack", o.ack,
                "auto: accept each record once printed; manual: read a/accept, r/release, "
                "x/reject or n/renew (extend the lock, then read again) from stdin after each "
                "record")
      ->capture_default_str()
      ->check(CLI::IsMember({"auto", "manual"}));
  c->add_option("--max-inflight", o.max_inflight, "Records one fetch may acquire (MaxRecords)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  c->add_option("-c,--count", o.count, "Exit after this many records")->check(non_negative());
  c->add_option("-f,--format", o.format,
                "Format as for consume (default: %s\\n); --json adds delivery_count");
  c->add_flag("-J,--json", o.json, "One JSON object per record");
  c->add_option("--idle-timeout-ms", o.idle_timeout_ms, "Exit after this long without a record");
}

void group_commands(CLI::App& app, cli_options& out) {
  auto& o = out.group;
  auto* g = app.add_subcommand(
      "group", "List, describe, delete consumer groups; reset offsets; wait; configs");
  g->require_subcommand(1);

  auto* list = leaf(g->add_subcommand("list", "List group ids"), out, "group list");
  add_common(list, out.common);

  auto* describe = leaf(g->add_subcommand("describe", "Offsets and lag per partition, and members"),
                        out, "group describe");
  add_common(describe, out.common);
  describe->add_option("group", o.group, "Group id")->required();

  auto* del = leaf(g->add_subcommand("delete", "Delete empty groups"), out, "group delete");
  add_common(del, out.common);
  del->add_option("groups", o.groups, "Group ids")->required();

  auto* reset =
      leaf(g->add_subcommand("reset-offsets",
                             "Plan (and with --execute, commit) new offsets for an inactive group"),
           out, "group reset-offsets");
  add_common(reset, out.common);
  reset->add_option("group", o.group, "Group id")->required();
  reset->add_option("--topic", o.topics, "Topic, or topic:0,1 for some partitions (repeatable)")
      ->allow_extra_args(false);
  reset->add_flag("--all-topics", o.all_topics, "Every topic the group has offsets for");
  reset->add_flag("--to-earliest", o.to_earliest, "To the log start offset");
  reset->add_flag("--to-latest", o.to_latest, "To the log end offset");
  reset->add_flag("--to-current", o.to_current, "To the committed offset");
  reset->add_option("--to-offset", o.to_offset, "To this offset (clamped to the log)");
  reset->add_option("--shift-by", o.shift_by, "Move the committed offset by N (may be negative)");
  reset->add_option("--to-datetime", o.to_datetime,
                    "To the first offset at or after YYYY-MM-DDTHH:mm:SS[.sss][Z]");
  reset->add_option("--by-duration", o.by_duration,
                    "To the first offset this long ago (PT1H, 30m, 2d)");
  reset->add_option("--from-file", o.from_file, "CSV of topic,partition,offset");
  reset->add_flag("--execute", o.execute, "Commit the plan (without it nothing changes)");
  reset->add_flag("--dry-run", o.dry_run, "Only print the plan (the default)");

  auto* config = leaf(g->add_subcommand("config",
                                        "Describe or alter a group's configs (KIP-932 "
                                        "share.* and KIP-848 consumer.* keys)"),
                      out, "group config");
  add_common(config, out.common);
  config->add_option("group", o.group, "Group id")->required();
  config->add_option("--set", o.set_configs, "Set a group config k=v (repeatable)")
      ->allow_extra_args(false);
  config
      ->add_option("--delete", o.delete_configs,
                   "Return a group config to the broker default (repeatable)")
      ->allow_extra_args(false);

  auto* wait =
      leaf(g->add_subcommand("wait", "Wait until the group's lag is 0; non-zero exit on timeout"),
           out, "group wait");
  add_common(wait, out.common);
  wait->add_option("group", o.group, "Group id")->required();
  wait->add_option("--topic", o.topics, "Only these topics (repeatable)")->allow_extra_args(false);
  wait->add_option("--wait-timeout-ms", o.wait_timeout_ms, "Give up after this long")
      ->capture_default_str();
  wait->add_option("--poll-interval-ms", o.poll_interval_ms, "How often to look")
      ->capture_default_str();
}

void offsets_command(CLI::App& app, cli_options& out) {
  auto& o = out.offsets;
  auto* c = leaf(app.add_subcommand("offsets", "Print topic:partition:offset for a time"), out,
                 "offsets");
  add_common(c, out.common);
  c->add_option("-t,--topic", o.topic, "Topic")->required();
  c->add_option("-p,--partition", o.partitions, "Partition (repeatable; default: all)")
      ->allow_extra_args(false);
  c->add_option("--time", o.time,
                "earliest, latest, ms since the epoch, -1h, or 2026-11-21T10:00:00Z")
      ->capture_default_str();
}

void perf_commands(CLI::App& app, cli_options& out) {
  auto& o = out.perf;
  auto* perf = app.add_subcommand("perf", "Throughput and latency tests, like Kafka's perf tools");
  perf->require_subcommand(1);
  auto common = [&](CLI::App* c) {
    add_common(c, out.common);
    c->add_option("--topic", o.topic, "Topic")->required();
    c->add_option("--num-records,--messages", o.num_records, "How many records")
        ->required()
        ->check(CLI::PositiveNumber);
    c->add_flag("--json", o.json, "Print the summary as one JSON object");
    c->add_flag("--print-metrics", o.print_metrics,
                "Print the client's metrics at the end, as Kafka's perf tools do");
    c->add_option("--report", o.report, "Write a self-contained HTML report here");
    c->add_option("--reporting-interval", o.reporting_interval_ms, "Progress line period (ms)")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
  };
  auto producer_flags = [&](CLI::App* c) {
    c->add_option("--record-size", o.record_size, "Bytes per record value")
        ->capture_default_str()
        ->check(CLI::NonNegativeNumber);
    c->add_option("--throughput", o.throughput, "Records/sec to aim for (-1: no limit)")
        ->capture_default_str();
    c->add_option("--producer-props", o.producer_props,
                  "Producer settings k=v ... (bootstrap.servers, acks, linger.ms, "
                  "batch.size, compression.type, ...)");
    c->add_option("--producer.config", o.producer_config,
                  "A producer properties file (k=v lines); --producer-props override it");
  };
  auto consumer_flags = [&](CLI::App* c) {
    c->add_option("--consumer-props", o.consumer_props,
                  "Consumer settings k=v ... (bootstrap.servers, fetch.max.wait.ms, ...)");
    c->add_option("--consumer.config", o.consumer_config,
                  "A consumer properties file (k=v lines); --consumer-props override it");
    c->add_option("--timeout", o.timeout_ms, "Give up after this many ms without a record")
        ->capture_default_str();
  };
  auto* p =
      leaf(perf->add_subcommand("produce", "Like kafka-producer-perf-test"), out, "perf produce");
  common(p);
  producer_flags(p);
  auto* c =
      leaf(perf->add_subcommand("consume", "Like kafka-consumer-perf-test"), out, "perf consume");
  common(c);
  consumer_flags(c);
  c->add_option("--group", o.group, "Consume as this group (default: assign every partition)");
  auto* e =
      leaf(perf->add_subcommand("e2e", "End-to-end latency, produce then consume each record"), out,
           "perf e2e");
  common(e);
  producer_flags(e);
  consumer_flags(e);
}

}  // namespace

std::unique_ptr<CLI::App> build_cli(cli_options& out) {
  auto app = std::make_unique<CLI::App>(
      "sluice: topics, produce, consume, groups, offsets and perf tests "
      "against a Kafka-compatible broker",
      "sluice");
  app->require_subcommand(1);
  app->set_version_flag("--version", "sluice 0.1.0");
  topic_commands(*app, out);
  produce_command(*app, out);
  consume_command(*app, out);
  share_commands(*app, out);
  group_commands(*app, out);
  offsets_command(*app, out);
  perf_commands(*app, out);
  return app;
}

namespace {

// The options every command takes (add_common), given before the command
// (`sluice -b host:9092 topic list`, Kafka's and kcat's habit), are moved
// after the command's words, where CLI11 looks for them.
std::vector<std::string> hoist_common_options(const CLI::App& app,
                                              const std::vector<std::string>& args) {
  static const std::vector<std::string> with_value = {"-b", "--bootstrap-server", "--client-id",
                                                      "--timeout-ms"};
  std::vector<std::string> common, rest;
  size_t i = 0;
  for (; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto named = [&](const std::string& n) {
      return a == n || a.starts_with(n + "=") ||
             (n.size() == 2 && a.starts_with(n) && a.size() > 2);
    };
    auto it = std::ranges::find_if(with_value, named);
    if (it == with_value.end()) break;
    common.push_back(a);
    if (a == *it && i + 1 < args.size()) common.push_back(args[++i]);
  }
  if (common.empty()) return args;
  // Past the command's words (subcommand names), then the hoisted options.
  const CLI::App* at = &app;
  size_t words = i;
  while (words < args.size()) {
    const CLI::App* sub = nullptr;
    for (const CLI::App* candidate : at->get_subcommands({}))
      if (candidate->check_name(args[words])) sub = candidate;
    if (sub == nullptr) break;
    at = sub;
    ++words;
  }
  rest.assign(args.begin() + static_cast<ptrdiff_t>(i),
              args.begin() + static_cast<ptrdiff_t>(words));
  rest.insert(rest.end(), common.begin(), common.end());
  rest.insert(rest.end(), args.begin() + static_cast<ptrdiff_t>(words), args.end());
  return rest;
}

}  // namespace

parse_outcome parse_args(cli_options& out, const std::vector<std::string>& given) {
  auto app = build_cli(out);
  const std::vector<std::string> args = hoist_common_options(*app, given);
  std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 takes them reversed
  for (const auto& a : given) out.command_line += (out.command_line.empty() ? "" : " ") + a;
  parse_outcome outcome;
  try {
    app->parse(reversed);
    outcome.run = true;
  } catch (const CLI::ParseError& e) {
    std::ostringstream text, err;
    outcome.exit_code = app->exit(e, text, err);
    if (outcome.exit_code == 0) {
      outcome.text = text.str();  // --help, --version
    } else {
      outcome.is_error = true;
      outcome.text = e.what();
      outcome.exit_code = 2;  // a usage error, as getopt tools exit
    }
  }
  return outcome;
}

}  // namespace sluice::tools
