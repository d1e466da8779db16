/*
 * test_dump.c - the leaked-dump reader (src/leak/dump.c, dump_sql.c): each
 * format (CSV dialects, JSON lines, SQL INSERT dumps), each encoding
 * (UTF-8 with and without BOM, UTF-16LE/BE with and without BOM, Latin-1
 * and Windows-1252, invalid bytes), quoting with embedded newlines and
 * delimiters, header detection, ragged rows, records past the cap (a
 * 3 MiB line), binary junk, SQL escapes and column sources, JSON keys
 * added later, gzip and stdin-less file input, and tiny read blocks.
 * Rows are rendered as "cell|cell|..." lines, "~" for an absent cell.
 */
#include <stdlib.h>
#include <zlib.h>

#include "../../src/core/sb.h"
#include "../../src/leak/dump.h"
#include "../test.h"

/* Renders all rows of d into sb; returns the dw_dump_next status at the end. */
static int render(struct dw_dump *d, struct dw_sb *sb)
{
	const struct dw_slice *c;
	size_t n;
	int r;

	while ((r = dw_dump_next(d, &c, &n)) == 1) {
		for (size_t i = 0; i < n; i++) {
			if (i)
				dw_sb_putc(sb, '|');
			if (c[i].n)
				dw_sb_put(sb, c[i].p, c[i].n);
			else
				dw_sb_putc(sb, '~');
		}
		dw_sb_putc(sb, '\n');
	}
	dw_sb_putc(sb, 0);
	return r;
}

static void names(struct dw_dump *d, struct dw_sb *sb)
{
	const struct dw_slice *nm;
	size_t n = dw_dump_columns(d, &nm);

	for (size_t i = 0; i < n; i++) {
		if (i)
			dw_sb_putc(sb, ',');
		dw_sb_put(sb, nm[i].p, nm[i].n);
	}
	dw_sb_putc(sb, 0);
}

/* Reads p[0..n) with the given block size; rows into out, names into nm, stats. */
static int run(const void *p, size_t n, int fmt, size_t block, struct dw_sb *out,
	       struct dw_sb *nm, struct dw_dump_stats *st, char *desc, size_t descsz)
{
	struct dw_dump_opts o = {.fmt = fmt, .block = block};
	struct dw_dump *d;
	int r = dw_dump_open_mem_opts(&d, p, n, &o);

	if (r)
		return r;
	dw_sb_reset(out);
	dw_sb_reset(nm);
	r = render(d, out);
	names(d, nm);
	dw_dump_stats(d, st);
	if (desc)
		snprintf(desc, descsz, "%s", dw_dump_describe(d));
	dw_dump_close(d);
	return r;
}

#define CHECK(in, fmt, rows, cols)                                                        \
	do {                                                                              \
		static const size_t blocks_[] = {0, 16, 37};                              \
		for (size_t blk_ = 0; blk_ < DW_ARRAY_LEN(blocks_); blk_++) {                   \
			DW_ASSERT_EQ_INT(run(in, sizeof(in) - 1, fmt, blocks_[blk_], &out, &nm, \
					     &st, desc, sizeof(desc)), 0);                \
			if (blk_ == 0 || fmt != DW_DUMP_AUTO) {                             \
				DW_ASSERT_EQ_STR(out.p, rows);                            \
				DW_ASSERT_EQ_STR(nm.p, cols);                             \
			}                                                                 \
		}                                                                         \
		DW_ASSERT_EQ_INT(run(in, sizeof(in) - 1, fmt, 0, &out, &nm, &st, desc,   \
				     sizeof(desc)), 0);                                   \
	} while (0)

#define SETUP                                   \
	struct dw_sb out, nm;                   \
	struct dw_dump_stats st;                \
	char desc[64];                          \
	(void)st;                               \
	(void)desc;                             \
	dw_sb_init(&out, 1 << 24);              \
	dw_sb_init(&nm, 1 << 20)

#define TEARDOWN                \
	do {                    \
		dw_sb_free(&out); \
		dw_sb_free(&nm);  \
	} while (0)

DW_TEST(dump_csv_header_and_quotes)
{
	static const char in[] = "email,password,name\r\n"
				 "a@x.com,\"p,w\"\"d\",\"Ann\nSmith\"\r\n"
				 "\n"
				 "b@y.org,secret,  \"Bob\" \r\n"
				 "c@z.net,x\"y,Carl\n";
	SETUP;
	CHECK(in, DW_DUMP_CSV, "a@x.com|p,w\"d|Ann\nSmith\nb@y.org|secret|Bob \nc@z.net|x\"y|Carl\n",
	      "email,password,name");
	CHECK(in, DW_DUMP_AUTO, "a@x.com|p,w\"d|Ann\nSmith\nb@y.org|secret|Bob \nc@z.net|x\"y|Carl\n",
	      "email,password,name");
	DW_ASSERT_EQ_STR(desc, "csv ',' utf-8 header");
	DW_ASSERT_EQ_INT(st.rows, 3);
	DW_ASSERT_EQ_INT(st.ragged, 0);
	TEARDOWN;
	DW_PASS();
}

DW_TEST(dump_csv_dialects_no_header_ragged)
{
	static const char semi[] = "a@x.com;+1 415 555 0100;Acme, Inc\n"
				   "b@x.com;+1 415 555 0101;Foo\n"
				   "c@x.com;12\n"
				   "d@x.com;1;2;3\n";
	static const char tab[] = "alice\tsmith\t1990\nbob\tjones\t1985\n";
	static const char pipe[] = "user|pass\nbob|x|y\n";
	SETUP;
	CHECK(semi, DW_DUMP_AUTO,
	      "a@x.com|+1 415 555 0100|Acme, Inc\nb@x.com|+1 415 555 0101|Foo\nc@x.com|12|~\n"
	      "d@x.com|1|2\n",
	      "col1,col2,col3");
	DW_ASSERT_EQ_STR(desc, "csv ';' utf-8");
	DW_ASSERT_EQ_INT(st.ragged, 2);
	CHECK(tab, DW_DUMP_AUTO, "alice|smith|1990\nbob|jones|1985\n", "col1,col2,col3");
	DW_ASSERT_EQ_STR(desc, "csv '\\t' utf-8");
	CHECK(pipe, DW_DUMP_AUTO, "bob|x\n", "user,pass");
	DW_ASSERT_EQ_INT(st.ragged, 1);
	TEARDOWN;
	DW_PASS();
}

DW_TEST(dump_csv_sep_line_and_single_column)
{
	static const char sep[] = "sep=;\nname;mail\nann;a@b\n";
	static const char one[] = "a@b.com\nc@d.com";
	SETUP;
	CHECK(sep, DW_DUMP_AUTO, "ann|a@b\n", "name,mail");
	CHECK(one, DW_DUMP_AUTO, "a@b.com\nc@d.com\n", "col1");
	TEARDOWN;
	DW_PASS();
}

DW_TEST(dump_encodings)
{
	/* "name,city\nJosé,Köln\n" in each encoding */
	static const char u8bom[] = "\xEF\xBB\xBFname,city\nJos\xC3\xA9,K\xC3\xB6ln\n";
	static const char latin1[] = "name,city\nJos\xE9,K\xF6ln \x80\x93\n";
	static const char u16le[] = "\xFF\xFEn\0a\0m\0e\0,\0c\0i\0t\0y\0\n\0J\0o\0s\0\xE9\0,\0K\0\xF6\0l\0n\0"
				    "\n\0\x3D\xD8\x00\xDE\n\0";
	static const char u16be[] = "\0n\0a\0m\0e\0,\0c\0i\0t\0y\0\n\0J\0o\0s\0\xE9\0,\0K\0\xF6\0l\0n\0\n"
				    "\xD8\x3D\0x\0\n";
	SETUP;
	CHECK(u8bom, DW_DUMP_AUTO, "Jos\xC3\xA9|K\xC3\xB6ln\n", "name,city");
	DW_ASSERT_EQ_STR(desc, "csv ',' utf-8 header");
	DW_ASSERT_EQ_INT(st.bad_encoding, 0);
	CHECK(latin1, DW_DUMP_AUTO, "Jos\xC3\xA9|K\xC3\xB6ln \xE2\x82\xAC\xE2\x80\x9C\n", "name,city");
	DW_ASSERT_EQ_STR(desc, "csv ',' latin-1 header");
	DW_ASSERT_EQ_INT(st.bad_encoding, 2);
	CHECK(u16le, DW_DUMP_AUTO, "Jos\xC3\xA9|K\xC3\xB6ln\n\xF0\x9F\x98\x80|~\n", "name,city");
	DW_ASSERT_EQ_STR(desc, "csv ',' utf-16le header");
	DW_ASSERT_EQ_INT(st.bad_encoding, 0);
	DW_ASSERT_EQ_INT(st.ragged, 1);
	/* BOM-less big endian, a lone surrogate replaced */
	CHECK(u16be, DW_DUMP_AUTO, "Jos\xC3\xA9|K\xC3\xB6ln\n\xEF\xBF\xBDx|~\n", "name,city");
	DW_ASSERT_EQ_STR(desc, "csv ',' utf-16be header");
	DW_ASSERT_EQ_INT(st.bad_encoding, 1);
	TEARDOWN;
	DW_PASS();
}

DW_TEST(dump_invalid_utf8_after_sniff)
{
	struct dw_sb in;
	SETUP;
	dw_sb_init(&in, 1 << 20);
	for (int i = 0; i < 3000; i++)
		dw_sb_puts(&in, "user@example.com,Zo\xC3\xAB,ok\n");
	dw_sb_puts(&in, "bad@example.com,Zo\xEB,ok\n");
	DW_ASSERT_EQ_INT(run(in.p, in.n, DW_DUMP_AUTO, 0, &out, &nm, &st, desc, sizeof(desc)), 0);
	DW_ASSERT_EQ_STR(desc, "csv ',' utf-8");
	DW_ASSERT_EQ_INT(st.rows, 3001);
	DW_ASSERT_EQ_INT(st.bad_encoding, 1);
	DW_ASSERT(strstr(out.p, "bad@example.com|Zo\xEF\xBF\xBD|ok\n") != NULL);
	dw_sb_free(&in);
	TEARDOWN;
	DW_PASS();
}

DW_TEST(dump_oversized_and_binary)
{
	size_t big = 3u << 20;
	char *in = malloc(big + 64);
	static const char bin[] = "\x7f" "ELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x03\0>\0\x01\0\0\0\x10\x10\0\0\n"
				  "\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f\n"
				  "ok,line\n";
	SETUP;
	DW_ASSERT(in != NULL);
	memcpy(in, "a@b.c,1\n", 8);
	memset(in + 8, 'x', big);
	memcpy(in + 8 + big, "\nd@e.f,2\n", 9);
	DW_ASSERT_EQ_INT(run(in, big + 17, DW_DUMP_AUTO, 0, &out, &nm, &st, desc, sizeof(desc)), 0);
	DW_ASSERT_EQ_STR(out.p, "a@b.c|1\nd@e.f|2\n");
	DW_ASSERT_EQ_INT(st.oversized, 1);
	/* the same line with quotes and no newline at the end */
	in[8] = '"';
	DW_ASSERT_EQ_INT(run(in, big + 9, DW_DUMP_AUTO, 0, &out, &nm, &st, desc, sizeof(desc)), 0);
	DW_ASSERT_EQ_STR(out.p, "a@b.c|1\n");
	DW_ASSERT_EQ_INT(st.oversized, 1);
	/* a JSON line and an SQL tuple past the cap */
	memcpy(in, "{\"a\":\"", 6);
	memset(in + 6, 'y', big);
	memcpy(in + 6 + big, "\"}\n{\"a\":1}\n", 11);
	DW_ASSERT_EQ_INT(run(in, big + 17, DW_DUMP_AUTO, 0, &out, &nm, &st, desc, sizeof(desc)), 0);
	DW_ASSERT_EQ_STR(out.p, "1\n");
	DW_ASSERT_EQ_INT(st.oversized, 1);
	memcpy(in, "INSERT INTO t VALUES ('", 23);
	memset(in + 23, 'z', big);
	memcpy(in + 23 + big, "'),(2);\n", 8);
	DW_ASSERT_EQ_INT(run(in, big + 31, DW_DUMP_AUTO, 0, &out, &nm, &st, desc, sizeof(desc)), 0);
	DW_ASSERT_EQ_STR(out.p, "2\n");
	DW_ASSERT_EQ_INT(st.oversized, 1);
	DW_ASSERT_EQ_STR(desc, "sql utf-8");
	/* a binary file */
	CHECK(bin, DW_DUMP_AUTO, "ok|line\n", "col1,col2");
	DW_ASSERT_EQ_INT(st.junk, 2);
	free(in);
	TEARDOWN;
	DW_PASS();
}

DW_TEST(dump_stray_quote_costs_one_row)
{
	struct dw_sb in;
	SETUP;
	dw_sb_init(&in, 4 << 20);
	dw_sb_puts(&in, "a@b,\"unterminated\n");
	for (int i = 0; i < 40000; i++)
		dw_sb_puts(&in, "user@example.com,some password here\n");
	DW_ASSERT_EQ_INT(run(in.p, in.n, DW_DUMP_CSV, 0, &out, &nm, &st, desc, sizeof(desc)), 0);
	DW_ASSERT_EQ_INT(st.rows, 40001);
	DW_ASSERT(strncmp(out.p, "a@b|unterminated\nuser@example.com|some password here\n", 53) == 0);
	dw_sb_free(&in);
	TEARDOWN;
	DW_PASS();
}

DW_TEST(dump_jsonl)
{
	static const char in[] = "{\"email\":\"a@b.c\",\"n\":12,\"ok\":true,\"x\":null,\"o\":{\"k\":[1,\"}\"]}}\n"
				 "\n"
				 "{\"n\":-1.5e3,\"email\":\"q\\\"\\u00e9\\ud83d\\ude00\\ud800\",\"phone\":\"+1\"}\r\n"
				 "not json\n"
				 "{\"email\":\"c@d\"} trailing\n"
				 "[{\"late\":false},\n"
				 "]\n";
	SETUP;
	CHECK(in, DW_DUMP_AUTO,
	      "a@b.c|12|true|~|~\n"
	      "q\"\xC3\xA9\xF0\x9F\x98\x80\xEF\xBF\xBD|-1.5e3|~|~|~|+1\n"
	      "~|~|~|~|~|~|false\n",
	      "email,n,ok,x,o,phone,late");
	DW_ASSERT_EQ_STR(desc, "jsonl utf-8");
	DW_ASSERT_EQ_INT(st.junk, 2);
	DW_ASSERT_EQ_INT(st.bad_encoding, 1);
	DW_ASSERT_EQ_INT(st.rows, 3);
	TEARDOWN;
	DW_PASS();
}

DW_TEST(dump_jsonl_columns_grow_and_cap)
{
	struct dw_sb in;
	struct dw_dump *d;
	const struct dw_slice *c, *nms;
	size_t n;
	SETUP;
	dw_sb_init(&in, 1 << 20);
	dw_sb_puts(&in, "{\"a\":\"1\"}\n{\"b\":\"2\",\"a\":\"3\"}\n{");
	for (int i = 0; i < 100; i++)
		dw_sb_printf(&in, "%s\"k%d\":%d", i ? "," : "", i, i);
	dw_sb_puts(&in, "}\n");
	DW_ASSERT_EQ_INT(dw_dump_open_mem(&d, in.p, in.n, DW_DUMP_AUTO), 0);
	DW_ASSERT_EQ_INT(dw_dump_next(d, &c, &n), 1);
	DW_ASSERT_EQ_INT(n, 1);
	DW_ASSERT(dw_slice_eq(c[0], "1"));
	DW_ASSERT_EQ_INT(dw_dump_next(d, &c, &n), 1);
	DW_ASSERT_EQ_INT(n, 2);
	DW_ASSERT(dw_slice_eq(c[0], "3") && dw_slice_eq(c[1], "2"));
	DW_ASSERT_EQ_INT(dw_dump_columns(d, &nms), 2);
	DW_ASSERT(dw_slice_eq(nms[1], "b"));
	DW_ASSERT_EQ_INT(dw_dump_next(d, &c, &n), 1);
	DW_ASSERT_EQ_INT(n, 64);
	DW_ASSERT(dw_slice_eq(c[2], "0") && dw_slice_eq(c[63], "61"));
	DW_ASSERT_EQ_INT(dw_dump_next(d, &c, &n), 0);
	dw_dump_close(d);
	dw_sb_free(&in);
	TEARDOWN;
	DW_PASS();
}

DW_TEST(dump_sql_mysqldump)
{
	static const char in[] =
		"-- MySQL dump 10.13\n"
		"/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;\n"
		"DROP TABLE IF EXISTS `users`;\n"
		"CREATE TABLE `users` (\n"
		"  `id` int(11) NOT NULL AUTO_INCREMENT,\n"
		"  `email` varchar(255) DEFAULT NULL COMMENT 'a, b',\n"
		"  `pass` char(32),\n"
		"  PRIMARY KEY (`id`),\n"
		"  KEY `em` (`email`)\n"
		") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;\n"
		"LOCK TABLES `users` WRITE;\n"
		"INSERT INTO `users` VALUES (1,'a@b.c','it\\'s'),(2,'x''y@z',NULL),\n"
		"(3,'back\\\\slash\\nnl',_binary 'bin'),(4,'semi;colon (paren)',0x41);\n"
		"INSERT INTO `users` (`email`,`id`) VALUES ('e@f',5) ON DUPLICATE KEY UPDATE id=VALUES(id);\n"
		"UNLOCK TABLES;\n";
	SETUP;
	CHECK(in, DW_DUMP_AUTO,
	      "1|a@b.c|it's\n2|x'y@z|~\n3|back\\slash\nnl|bin\n4|semi;colon (paren)|0x41\ne@f|5\n",
	      "email,id");
	DW_ASSERT_EQ_STR(desc, "sql utf-8");
	DW_ASSERT_EQ_INT(st.rows, 5);
	DW_ASSERT_EQ_INT(st.ragged, 0);
	TEARDOWN;
	DW_PASS();
}

DW_TEST(dump_sql_columns_from_create)
{
	static const char in[] = "CREATE TABLE public.users (\n id integer,\n email text\n);\n"
				 "CREATE TABLE t2 (a int, b int, c int);\n"
				 "SET standard_conforming_strings = on;\n"
				 "INSERT INTO public.users VALUES (1, 'C:\\dir'), (2, E'tab\\there');\n"
				 "INSERT INTO other VALUES (7, 8, 9, 10);\n"
				 "INSERT INTO other VALUES (7, 8);\n";
	struct dw_dump *d;
	const struct dw_slice *c, *nms;
	size_t n;
	SETUP;
	DW_ASSERT_EQ_INT(dw_dump_open_mem(&d, in, sizeof(in) - 1, DW_DUMP_AUTO), 0);
	DW_ASSERT_EQ_INT(dw_dump_next(d, &c, &n), 1);
	DW_ASSERT_EQ_INT(dw_dump_columns(d, &nms), 2);
	DW_ASSERT(dw_slice_eq(nms[0], "id") && dw_slice_eq(nms[1], "email"));
	DW_ASSERT(dw_slice_eq(dw_dump_table(d), "public.users"));
	DW_ASSERT(dw_slice_eq(c[1], "C:\\dir"));
	DW_ASSERT_EQ_INT(dw_dump_next(d, &c, &n), 1);
	DW_ASSERT(dw_slice_eq(c[1], "tab\there"));
	DW_ASSERT_EQ_INT(dw_dump_next(d, &c, &n), 1);
	DW_ASSERT_EQ_INT(n, 4);
	DW_ASSERT_EQ_INT(dw_dump_columns(d, &nms), 4);
	DW_ASSERT(dw_slice_eq(nms[3], "col4"));
	DW_ASSERT_EQ_INT(dw_dump_next(d, &c, &n), 1);
	DW_ASSERT(dw_slice_eq(c[1], "8") && c[2].n == 0);
	DW_ASSERT_EQ_INT(dw_dump_next(d, &c, &n), 0);
	dw_dump_stats(d, &st);
	DW_ASSERT_EQ_INT(st.ragged, 1);
	dw_dump_close(d);
	TEARDOWN;
	DW_PASS();
}

DW_TEST(dump_file_gzip_and_errors)
{
	char path[512], err[256];
	struct dw_dump *d;
	const struct dw_slice *c;
	size_t n;
	gzFile gz;
	SETUP;
	snprintf(path, sizeof(path), "%s/dump.csv.gz", dw_test_tmpdir());
	gz = gzopen(path, "wb");
	DW_ASSERT(gz != NULL);
	gzputs(gz, "email;pass\na@b;x\nc@d;y\n");
	gzclose(gz);
	DW_ASSERT_EQ_INT(dw_dump_open(&d, path, DW_DUMP_AUTO, err, sizeof(err)), 0);
	DW_ASSERT_EQ_STR(dw_dump_describe(d), "csv ';' utf-8 header gzip");
	DW_ASSERT_EQ_INT(dw_dump_next(d, &c, &n), 1);
	DW_ASSERT(n == 2 && dw_slice_eq(c[0], "a@b"));
	DW_ASSERT_EQ_INT(dw_dump_next(d, &c, &n), 1);
	DW_ASSERT_EQ_INT(dw_dump_next(d, &c, &n), 0);
	DW_ASSERT_EQ_INT(dw_dump_next(d, &c, &n), 0);
	dw_dump_close(d);
	snprintf(path, sizeof(path), "%s/nonexistent.csv", dw_test_tmpdir());
	DW_ASSERT_EQ_INT(dw_dump_open(&d, path, DW_DUMP_AUTO, err, sizeof(err)), DW_EIO);
	DW_ASSERT(strstr(err, "nonexistent.csv") != NULL);
	DW_ASSERT_EQ_INT(dw_dump_open_mem(&d, "", 0, 9), DW_EINVAL);
	DW_ASSERT_EQ_INT(dw_dump_open_mem(&d, "", 0, DW_DUMP_AUTO), 0);
	DW_ASSERT_EQ_INT(dw_dump_next(d, &c, &n), 0);
	dw_dump_close(d);
	TEARDOWN;
	DW_PASS();
}
