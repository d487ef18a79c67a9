#pragma once
// The plumbing stress_driver's clients share (librdkafka 2.0.2, C API): one
// log of the errors every client reported, split into those its role may
// see (a churn client on a deleted topic) and the rest; client creation;
// the admin calls; and a bounded destroy for clients of deleted topics.
// Thread: any; the error log takes one lock, only on errors.
#include <librdkafka/rdkafka.h>

#include <string>

namespace stress {

// What a client does; the opaque of its librdkafka handle. It must outlive
// the handle.
struct client_role {
  const char* name;
  bool churn;  // touches topics that are deleted under it
};

// Counts an error the client reported: expected for churn clients when a
// deleted or not yet created topic explains it, unexpected otherwise (the
// first of each kind is printed to stderr).
void note_error(const client_role& role, rd_kafka_resp_err_t e, const char* reason);
void note_expected(const client_role& role, const std::string& what);
// Prints both tallies; true when nothing unexpected was reported.
bool report_errors();

// A configuration with the bootstrap servers and the error callback for `role`.
rd_kafka_conf_t* base_conf(const std::string& bootstrap, client_role* role);
// Sets a property or exits 2: a typo must not run a weaker test.
void set(rd_kafka_conf_t* conf, const char* k, const char* v);
rd_kafka_t* make_client(rd_kafka_type_t type, rd_kafka_conf_t* conf);
void destroy_churn_client(rd_kafka_t* rk, const client_role& role);

// Creates (or deletes) one topic through the admin API; returns its error.
rd_kafka_resp_err_t admin_topic(rd_kafka_t* rk, const std::string& name, int partitions,
                                bool create);

}  // namespace stress
