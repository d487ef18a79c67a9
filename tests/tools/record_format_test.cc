#include "tools/record_format.h"

#include <gtest/gtest.h>

namespace sluice::tools {
namespace {

printable_record sample() {
  printable_record r;
  r.topic = "logs";
  r.partition = 2;
  r.offset = 42;
  r.timestamp = 1700000000000;
  r.key = "host-1";
  r.value = "hello";
  r.headers = {{"a", "1"}, {"b", std::nullopt}};
  return r;
}

std::string render(std::string_view fmt, const printable_record& r) {
  auto f = compile_format(fmt);
  EXPECT_TRUE(f) << (f ? "" : f.error().message);
  std::string out;
  if (f) f->render(r, out);
  return out;
}

TEST(record_format, every_field_and_escape) {
  EXPECT_EQ(render("%t/%p@%o %k=%s %T [%h] %K %S %%\\n", sample()),
            "logs/2@42 host-1=hello 1700000000000 [a=1,b] 6 5 %\n");
  EXPECT_EQ(render("%s\\t%k\\r\\\\", sample()), "hello\thost-1\r\\");
}

TEST(record_format, null_key_and_value_print_empty_with_length_minus_one) {
  auto r = sample();
  r.key.reset();
  r.value.reset();
  EXPECT_EQ(render("[%k][%s] %K %S", r), "[][] -1 -1");
}

TEST(record_format, binary_values_pass_through_unchanged) {
  auto r = sample();
  std::string bin("\x00\xff\n\x01", 4);
  r.value = bin;
  EXPECT_EQ(render("%s", r), bin);
  EXPECT_EQ(render("%S", r), "4");
}

TEST(record_format, unknown_fields_and_dangling_escapes_are_errors) {
  EXPECT_FALSE(compile_format("%x"));
  EXPECT_FALSE(compile_format("abc%"));
  EXPECT_FALSE(compile_format("\\q"));
  EXPECT_FALSE(compile_format("\\"));
}

TEST(record_format, json_escapes_text_and_base64s_binary) {
  auto r = sample();
  r.value = std::string_view("say \"hi\"\n\x01", 10);
  std::string bin("\xff\xfe", 2);
  r.key = bin;
  std::string out;
  render_json(r, out);
  EXPECT_EQ(out,
            "{\"topic\":\"logs\",\"partition\":2,\"offset\":42,\"timestamp\":1700000000000,"
            "\"headers\":[{\"key\":\"a\",\"value\":\"1\"},{\"key\":\"b\",\"value\":null}],"
            "\"key_base64\":\"//4=\",\"value\":\"say \\\"hi\\\"\\n\\u0001\"}\n");
}

TEST(record_format, utf8_validation) {
  EXPECT_TRUE(is_valid_utf8("h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x98\x80"));
  EXPECT_FALSE(is_valid_utf8("\xc3"));
  EXPECT_FALSE(is_valid_utf8("\xc0\xaf"));      // overlong
  EXPECT_FALSE(is_valid_utf8("\xed\xa0\x80"));  // surrogate
  EXPECT_EQ(base64("f"), "Zg==");
  EXPECT_EQ(base64("fo"), "Zm8=");
  EXPECT_EQ(base64("foo"), "Zm9v");
}

}  // namespace
}  // namespace sluice::tools
