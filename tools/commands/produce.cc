#include "tools/commands/produce.h"

#include <cstdio>
#include <limits>
#include <memory>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "tools/commands/stdin_lines.h"
#include "tools/file_follower.h"

namespace sluice::tools {
namespace {

namespace asio = boost::asio;

// Turns lines into records: -K splits key from value, -H adds headers, -p
// pins the partition.
class record_builder {
 public:
  static result<record_builder> make(const produce_options& o) {
    record_builder b;
    b.topic_ = o.topic;
    b.separator_ = o.key_separator;
    if (b.separator_ && b.separator_->empty()) return usage("-K needs a non-empty separator");
    b.partition_ = o.partition;
    const int keyings = (o.key_separator ? 1 : 0) + (o.key ? 1 : 0) + (o.key_by_file ? 1 : 0);
    if (keyings > 1) return usage("give one of -K, -k/--key and --key-by-file");
    if (o.key_by_file && o.follow.empty()) return usage("--key-by-file needs --follow FILE");
    if (o.key) b.key_ = client::to_bytes(*o.key);
    // The followed path as given: every line of the file, across its
    // rotations, has one key and so one partition (syslog-ng's
    // key("${FILE_NAME}"), rsyslog's dynaKey).
    if (o.key_by_file) b.key_ = client::to_bytes(o.follow);
    for (const auto& h : o.headers) {
      auto kv = split_assignment(h, "header");
      if (!kv) return usage(kv.error().message);
      b.headers_.push_back({kv->first, client::to_bytes(kv->second)});
    }
    return b;
  }

  client::producer_record operator()(std::string_view line) const {
    client::producer_record r;
    r.topic = topic_;
    r.partition = partition_;
    r.headers = headers_;
    r.key = key_;
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
  std::optional<std::vector<std::byte>> key_;  // -k or --key-by-file: the same for every record
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
                       lines_text(first, line_no) + ") aborted: " + r.error().message);
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

// Sends `lines` and waits for every acknowledgement. Returns which of them
// failed (by index) with the first error; empty when all were delivered.
struct batch_outcome {
  std::vector<size_t> failed;
  std::optional<client::client_error> first;
  bool all_retriable = true;
};

// While the producer waits for a broker (an outage may last long), the
// follower still opens files that appear at the path, so that a rotation in
// the meantime cannot hide one (file_follower.h).
class rotation_watch {
 public:
  rotation_watch(const asio::any_io_executor& ex, file_follower& f)
      : done_(std::make_shared<bool>(false)) {
    asio::co_spawn(
        ex,
        [&f, done = done_]() -> awaitable<void> {
          while (!*done) {
            co_await sleep_for(std::chrono::milliseconds(50));
            if (!*done) f.notice_rotations();
          }
        },
        asio::detached);
  }
  ~rotation_watch() { *done_ = true; }
  rotation_watch(const rotation_watch&) = delete;
  rotation_watch& operator=(const rotation_watch&) = delete;

 private:
  std::shared_ptr<bool> done_;
};

awaitable<result<batch_outcome>> ship_once(client::producer& p, file_follower& f,
                                           const record_builder& build,
                                           const std::vector<std::string>& lines,
                                           const std::vector<size_t>& which) {
  auto ex = co_await asio::this_coro::executor;
  rotation_watch watch(ex, f);
  auto errors = std::make_shared<std::vector<std::optional<client::client_error>>>(which.size());
  for (size_t i = 0; i < which.size(); ++i) {
    std::string_view line = lines[which[i]];
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    // Named, not built inside the co_await: GCC 12 destroys a lambda
    // temporary's captured shared_ptr twice across the suspension.
    client::delivery_callback on_delivery = [errors,
                                             i](const client::result<client::record_metadata>& m) {
      if (!m) (*errors)[i] = m.error();
    };
    client::producer_record record = build(line);
    auto r = co_await p.produce(std::move(record), std::move(on_delivery));
    if (!r) co_return from_client(r.error());
  }
  (void)co_await p.flush();  // each record's outcome is in `errors`
  batch_outcome out;
  for (size_t i = 0; i < which.size(); ++i) {
    if (!(*errors)[i]) continue;
    out.failed.push_back(which[i]);
    if (!out.first) out.first = (*errors)[i];
    if (!(*errors)[i]->retriable()) out.all_retriable = false;
  }
  co_return out;
}

// Sleeps up to `ms`, waking early when inotify says the followed path
// changed (a new line, a rotation), and notes rotations either way.
awaitable<void> wait_for_change(file_follower& f, int ms) {
  if (f.change_fd() < 0) {
    co_await sleep_for(std::chrono::milliseconds(ms));
    f.notice_rotations();
    co_return;
  }
  auto ex = co_await asio::this_coro::executor;
  asio::posix::stream_descriptor watch(ex, f.change_fd());
  auto timer = std::make_shared<asio::steady_timer>(ex, std::chrono::milliseconds(ms));
  watch.async_wait(asio::posix::descriptor_base::wait_read,
                   [timer](const boost::system::error_code&) { timer->cancel(); });
  co_await timer->async_wait(asio::as_tuple(asio::use_awaitable));
  (void)watch.release();  // cancels the wait; the follower keeps owning the descriptor
  f.notice_rotations();
}

// --follow: ship lines in batches; a batch's position is saved only after
// the broker acknowledged all of it, so a restart resends at most the batch
// that was in flight when it died (none after a clean stop). A broker outage
// never ends the command: the producer retries each batch (with back-off, in
// order, idempotently) until it is acknowledged; with a bounded
// --delivery-timeout-ms, lines that still failed are sent again after a
// pause. With --transactional-id each batch is one transaction, its
// position saved after the commit; a failed one is aborted and tried again.
awaitable<status> produce_follow(session& s, client::producer& p, const record_builder& build,
                                 const produce_options& o) {
  file_follower f(o.follow, o.state.empty() ? default_state_path(o.follow) : o.state);
  if (auto r = f.open(); !r) co_return r;
  uint64_t transactions = 0;
  const bool in_txn = !o.transactional_id.empty();
  auto pause = [&](int round) -> awaitable<void> {
    auto until = std::chrono::steady_clock::now() +
                 client::retry_backoff_for(round, std::chrono::milliseconds(500),
                                           std::chrono::milliseconds(10000));
    while (!s.stop_requested && std::chrono::steady_clock::now() < until) {
      co_await sleep_for(std::chrono::milliseconds(50));
      f.notice_rotations();
    }
  };
  while (!s.stop_requested) {
    auto lines = f.poll(10000);
    if (!lines) co_return lines.error();
    if (lines->empty()) {
      co_await wait_for_change(f, o.poll_interval_ms);
      continue;
    }
    std::vector<size_t> pending(lines->size());
    for (size_t i = 0; i < pending.size(); ++i) pending[i] = i;
    for (int round = 1;; ++round) {
      if (in_txn) {
        if (p.in_transaction()) {  // an abort that failed in the outage: again first
          if (auto a = co_await p.abort_transaction(); !a) {
            if (s.stop_requested) co_return from_client(a.error());
            co_await pause(round);
            continue;
          }
        }
        if (auto r = p.begin_transaction(); !r) co_return from_client(r.error());
        auto sent = co_await ship_once(p, f, build, *lines, pending);
        if (!sent) {
          (void)co_await p.abort_transaction();
          co_return sent.error();
        }
        auto committed = co_await commit_or_abort(
            p, transactions + 1, std::to_string(lines->size()) + " lines of " + o.follow);
        if (committed) {
          ++transactions;
          break;
        }
        if (s.stop_requested)
          co_return fail(committed.error().message +
                         " (position kept; they are sent again on restart)");
        std::fprintf(stderr, "sluice: warning: %s; trying again\n",
                     committed.error().message.c_str());
        co_await pause(round);
        continue;
      }
      auto sent = co_await ship_once(p, f, build, *lines, pending);
      if (!sent) co_return sent.error();
      if (sent->failed.empty()) break;
      const std::string what = std::to_string(sent->failed.size()) + " of " +
                               std::to_string(lines->size()) + " lines of " + o.follow +
                               " not delivered: " + sent->first->message;
      if (!sent->all_retriable || s.stop_requested)
        co_return fail(what + " (position kept; they are sent again on restart)");
      std::fprintf(stderr, "sluice: warning: %s; sending them again\n", what.c_str());
      pending = std::move(sent->failed);
      co_await pause(round);
      if (s.stop_requested)
        co_return fail(what + " (position kept; they are sent again on restart)");
    }
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
    return usage("bad --acks '" + o.acks + "': expected 0, 1 or all");
  auto c = client::parse_compression(o.compression);
  if (!c)
    return usage("bad compression '" + o.compression +
                 "': expected none, gzip, snappy, lz4 or zstd");
  pc.compression = *c;
  if (o.linger_ms < 0) return usage("--linger-ms must be >= 0");
  if (o.batch_size <= 0) return usage("--batch-size must be > 0");
  pc.linger = std::chrono::milliseconds(o.linger_ms);
  pc.batch_size = static_cast<size_t>(o.batch_size);
  if (o.delivery_timeout_ms) {
    if (*o.delivery_timeout_ms <= 0) return usage("--delivery-timeout-ms must be > 0");
    pc.delivery_timeout = std::chrono::milliseconds(*o.delivery_timeout_ms);
  } else if (!o.follow.empty()) {
    // Kafka's largest value (Integer.MAX_VALUE ms, ~24 days), not ms::max():
    // the producer compares it with nanosecond clock differences.
    pc.delivery_timeout = std::chrono::milliseconds(std::numeric_limits<int32_t>::max());
  }
  if (o.transaction_lines < 0) return usage("--transaction-lines must be >= 0");
  if (!o.transactional_id.empty()) {
    if (pc.acks != -1) return usage("--transactional-id needs --acks all");
    pc.transactional_id = o.transactional_id;
  } else if (o.transaction_lines > 0) {
    return usage("--transaction-lines needs --transactional-id");
  }
  return pc;
}

status check_produce_options(const produce_options& o) {
  if (auto pc = producer_config_of(o); !pc) return pc.error();
  if (auto b = record_builder::make(o); !b) return b.error();
  if (o.poll_interval_ms <= 0) return usage("--poll-interval-ms must be > 0");
  return ok;
}

awaitable<status> produce_command(session& s, const produce_options& o) {
  auto pc = producer_config_of(o);
  if (!pc) co_return pc.error();
  auto build = record_builder::make(o);
  if (!build) co_return build.error();
  // Fail early and clearly on a topic or partition that is not there. A
  // missing topic is created where the broker allows it
  // (auto.create.topics.enable), as Kafka's console producer and kcat do.
  auto t = co_await s.cluster.topic(o.topic, pc->allow_auto_create_topics);
  if (!t) co_return from_client(t.error());
  if (o.partition &&
      (*o.partition < 0 || *o.partition >= static_cast<int32_t>(t->partitions.size())))
    co_return usage("topic '" + o.topic + "' has no partition " + std::to_string(*o.partition));
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
