#include "tools/commands/produce.h"

#include <memory>

#include "tools/commands/stdin_lines.h"
#include "tools/file_follower.h"

namespace sluice::tools {
namespace {

// Turns lines into records: -K splits key from value, -H adds headers, -p
// pins the partition.
class record_builder {
 public:
  static result<record_builder> make(const produce_options& o) {
    record_builder b;
    b.topic_ = o.topic;
    b.separator_ = o.key_separator;
    if (b.separator_ && b.separator_->empty()) return fail("-K needs a non-empty separator");
    b.partition_ = o.partition;
    for (const auto& h : o.headers) {
      auto kv = split_assignment(h, "header");
      if (!kv) return kv.err();
      b.headers_.push_back({kv->first, client::to_bytes(kv->second)});
    }
    return b;
  }

  client::producer_record operator()(std::string_view line) const {
    client::producer_record r;
    r.topic = topic_;
    r.partition = partition_;
    r.headers = headers_;
    if (separator_) {
      size_t at = line.find(*separator_);
      if (at != std::string_view::npos) {
        r.key = client::to_bytes(line.substr(0, at));
        line.remove_prefix(at + separator_->size());
      }
    }
    r.value = client::to_bytes(line);
    return r;
  }

 private:
  std::string topic_;
  std::optional<std::string> separator_;
  std::optional<int32_t> partition_;
  std::vector<client::record_header> headers_;
};

// Delivery failures, counted; the first one kept for the error line.
struct delivery_errors {
  uint64_t count = 0;
  std::string first;
  client::delivery_callback callback() {
    return [this](const client::result<client::record_metadata>& r) {
      if (r) return;
      if (count++ == 0) first = r.error().message;
    };
  }
  status as_status(const char* what) const {
    if (count == 0) return ok;
    return fail(std::to_string(count) + " " + what + " not delivered: " + first);
  }
};

awaitable<status> send_line(client::producer& p, const record_builder& build, std::string_view line,
                            delivery_errors& errors) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (auto r = co_await p.produce(build(line), errors.callback()); !r)
    co_return from_client(r.error());
  co_return ok;
}

// stdin as lines (stdin_lines.h): a pipe or terminal is read asynchronously
// so that batches linger and go out while we wait for input.
awaitable<status> produce_stdin(session& s, client::producer& p, const record_builder& build,
                                delivery_errors& errors) {
  stdin_lines in(s);
  while (!s.stop_requested) {
    auto line = co_await in.next();
    if (!line) break;
    if (auto r = co_await send_line(p, build, *line, errors); !r) co_return r;
  }
  if (!in.error().empty()) co_return fail("cannot read stdin: " + in.error());
  co_return ok;
}

// --transactional-id: one transaction, committed, or aborted with one line
// saying which input it held.
awaitable<status> commit_or_abort(client::producer& p, uint64_t number, const std::string& what) {
  auto committed = co_await p.commit_transaction();
  if (committed) co_return ok;
  auto aborted = co_await p.abort_transaction();
  co_return fail("transaction " + std::to_string(number) + " (" + what + ") " +
                 (aborted ? "aborted" : "not committed") + ": " + committed.error().message);
}

std::string lines_text(uint64_t first, uint64_t last) {
  return first == last ? "line " + std::to_string(first)
                       : "lines " + std::to_string(first) + "-" + std::to_string(last);
}

// stdin in transactions: an empty line (or --transaction-lines lines, or the
// end of input) ends a group of lines; each non-empty group is one
// transaction. A stop signal aborts the open one.
awaitable<status> produce_stdin_transactions(session& s, client::producer& p,
                                             const record_builder& build,
                                             const produce_options& o) {
  stdin_lines in(s);
  uint64_t line_no = 0, number = 0;
  bool input_ended = false;
  while (!input_ended) {
    if (auto r = p.begin_transaction(); !r) co_return from_client(r.error());
    uint64_t in_group = 0;
    const uint64_t first = line_no + 1;
    delivery_errors errors;
    while (true) {
      std::optional<std::string_view> line;
      if (!s.stop_requested) line = co_await in.next();
      if (!line) {
        input_ended = true;
        break;
      }
      ++line_no;
      std::string_view text = *line;
      if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
      if (text.empty()) break;  // the group's end
      ++in_group;
      if (auto r = co_await send_line(p, build, text, errors); !r) {
        (void)co_await p.abort_transaction();
        co_return fail("transaction " + std::to_string(number + 1) + " (" +
                       lines_text(first, line_no) + ") aborted: " + r.message());
      }
      if (o.transaction_lines > 0 && in_group >= static_cast<uint64_t>(o.transaction_lines)) break;
    }
    if (s.stop_requested && in_group > 0) {
      (void)co_await p.abort_transaction();
      co_return fail("interrupted: transaction " + std::to_string(number + 1) + " (" +
                     lines_text(first, line_no) + ") aborted");
    }
    if (in_group == 0) {
      // Nothing sent: ends locally, no request.
      if (auto r = co_await p.commit_transaction(); !r) co_return from_client(r.error());
      continue;
    }
    ++number;
    if (auto r = co_await commit_or_abort(p, number, lines_text(first, line_no)); !r) co_return r;
  }
  if (!in.error().empty()) co_return fail("cannot read stdin: " + in.error());
  co_return ok;
}

// --follow: ship lines in batches; a batch's position is saved only after
// the broker acknowledged all of it, so a restart resends at most the batch
// that was in flight when it died (none after a clean stop). With
// --transactional-id each batch is one transaction, its position saved after
// the commit.
awaitable<status> produce_follow(session& s, client::producer& p, const record_builder& build,
                                 const produce_options& o) {
  file_follower f(o.follow, o.state.empty() ? default_state_path(o.follow) : o.state);
  if (auto r = f.open(); !r) co_return r;
  uint64_t transactions = 0;
  while (!s.stop_requested) {
    auto lines = f.poll(10000);
    if (!lines) co_return lines.err();
    if (lines->empty()) {
      co_await sleep_for(std::chrono::milliseconds(o.poll_interval_ms));
      continue;
    }
    delivery_errors errors;
    const bool in_txn = !o.transactional_id.empty();
    if (in_txn)
      if (auto r = p.begin_transaction(); !r) co_return from_client(r.error());
    for (const auto& line : *lines)
      if (auto r = co_await send_line(p, build, line, errors); !r) {
        if (in_txn) (void)co_await p.abort_transaction();
        co_return r;
      }
    if (in_txn) {
      ++transactions;
      if (auto r = co_await commit_or_abort(
              p, transactions, std::to_string(lines->size()) + " lines of " + o.follow);
          !r)
        co_return fail(r.message() + " (position kept; they are sent again on restart)");
      if (auto r = f.commit(); !r) co_return r;
      continue;
    }
    auto flushed = co_await p.flush();
    if (auto r = errors.as_status("lines"); !r)
      co_return fail(r.message() + " (position kept; they are sent again on restart)");
    if (!flushed) co_return from_client(flushed.error());
    if (auto r = f.commit(); !r) co_return r;
  }
  co_return ok;
}

}  // namespace

result<client::producer_config> producer_config_of(const produce_options& o) {
  client::producer_config pc;
  if (o.acks == "all" || o.acks == "-1")
    pc.acks = -1;
  else if (o.acks == "0")
    pc.acks = 0;
  else if (o.acks == "1")
    pc.acks = 1;
  else
    return fail("bad --acks '" + o.acks + "': expected 0, 1 or all");
  auto c = client::parse_compression(o.compression);
  if (!c)
    return fail("bad compression '" + o.compression +
                "': expected none, gzip, snappy, lz4 or zstd");
  pc.compression = *c;
  if (o.linger_ms < 0) return fail("--linger-ms must be >= 0");
  if (o.batch_size <= 0) return fail("--batch-size must be > 0");
  pc.linger = std::chrono::milliseconds(o.linger_ms);
  pc.batch_size = static_cast<size_t>(o.batch_size);
  if (o.transaction_lines < 0) return fail("--transaction-lines must be >= 0");
  if (!o.transactional_id.empty()) {
    if (pc.acks != -1) return fail("--transactional-id needs --acks all");
    pc.transactional_id = o.transactional_id;
  } else if (o.transaction_lines > 0) {
    return fail("--transaction-lines needs --transactional-id");
  }
  return pc;
}

awaitable<status> produce_command(session& s, const produce_options& o) {
  auto pc = producer_config_of(o);
  if (!pc) co_return pc.err();
  auto build = record_builder::make(o);
  if (!build) co_return build.err();
  // Fail early and clearly on a topic or partition that is not there. A
  // missing topic is created where the broker allows it
  // (auto.create.topics.enable), as Kafka's console producer and kcat do.
  auto t = co_await s.cluster.topic(o.topic, pc->allow_auto_create_topics);
  if (!t) co_return from_client(t.error());
  if (o.partition &&
      (*o.partition < 0 || *o.partition >= static_cast<int32_t>(t->partitions.size())))
    co_return fail("topic '" + o.topic + "' has no partition " + std::to_string(*o.partition));
  client::producer p(s.cluster, *pc);
  if (pc->transactional_id)
    if (auto r = co_await p.init_transactions(); !r)
      co_return fail("transactional id '" + *pc->transactional_id + "': " + r.error().message);
  delivery_errors errors;
  status sent = ok;
  if (o.follow.empty() && pc->transactional_id)
    sent = co_await produce_stdin_transactions(s, p, *build, o);
  else if (o.follow.empty())
    sent = co_await produce_stdin(s, p, *build, errors);
  else
    sent = co_await produce_follow(s, p, *build, o);
  auto flushed = co_await p.close();
  if (!sent) co_return sent;
  if (auto r = errors.as_status("records"); !r) co_return r;
  if (!flushed) co_return from_client(flushed.error());
  co_return ok;
}

}  // namespace sluice::tools
