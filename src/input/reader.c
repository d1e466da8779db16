/*
 * reader.c - the input layer: paths -> one stream of lines (see reader.h).
 *
 * Order. dw_reader_add() expands a directory at once, recursively: the names
 * of each directory are sorted by rotation key (base name in byte order;
 * within one base, numbered members oldest first = highest number first,
 * then dated members ascending, then the live file), so
 *   auth.log.10.gz auth.log.2.gz auth.log.1 auth.log-20240101 auth.log
 * come out in that order, and subdirectories are walked at their place in
 * the same order. A suffix is "numbered" when it is ".N" (1-7 digits) and
 * "dated" when it is '-', '.' or '_' followed by 8-14 digits; either may be
 * followed by ".gz". Sockets, fifos and devices found in a directory are
 * skipped (a fifo named on the command line is read). Symlinks are followed
 * but every directory (dev, inode) is expanded once per add and the depth
 * is capped at RD_DEPTH_MAX, so link loops cannot hang.
 *
 * Buffer. One buffer of max_line + 2 + RD_CHUNK bytes holds [start, end) of
 * the current input's (decompressed) stream; buf[0] is stream offset base.
 * Invariant outside rd_line(): end - start <= max_line + 1 unless a newline
 * lies in [start, end), because a longer run without newline is dropped
 * and the input is marked skipping until its next newline. So compacting
 * the unread tail to the front always leaves >= RD_CHUNK bytes for read(2)
 * or inflate(), and lines are found with memchr, never byte by byte. A
 * line's limit is counted after one trailing '\r' is removed, which is why
 * max_line + 1 raw bytes may wait for their newline.
 *
 * Gzip is recognised by the magic bytes 1f 8b (on any input, stdin too) and
 * inflated with zlib into the same buffer. Members follow each other until
 * the data ends; bytes after a member that do not start a new one are
 * ignored, as gzip -d does. A corrupt or truncated stream delivers every
 * line decoded before the damage, then one DW_EIO (err EBADMSG).
 *
 * Follow (tail -F). Followed are: regular, not gzip files named on the
 * command line, and regular files found in directories whose name has no
 * rotation suffix (the live file of each set); numbered/dated members,
 * gzip files, stdin and fifos are read once. The first pass reads every
 * input in order, followed files only up to their size at open, holding a
 * last line without newline. Then each round visits the followed files in
 * order: fstat shows growth (read from the first undelivered byte) or
 * truncation (size < bytes read: read again from 0 as a new input); with
 * neither, stat(path) names another file (rotation: the old file is read
 * to its end, its held line delivered, then the new one opened from 0) or
 * nothing (keep the old fd, keep trying). A path that could not be opened
 * is reported once and then retried silently each round. A round that read
 * nothing sleeps poll_ms in slices of RD_SLICE_MS, checking the stop flag.
 * After idle_exit_ms without any data, or after dw_reader_stop(), held
 * lines (bytes already read) are delivered and DW_EOF is returned. A stop
 * in the first pass abandons the input being read and those not yet opened;
 * a stop or idle exit also ends a wait on a pipe within RD_SLICE_MS, and a
 * pipe (stdin) that stays silent for idle_exit_ms counts as ended. Every
 * delivered byte is delivered once: a held line is re-read from pos, and
 * only [pos, ...) is ever delivered.
 *
 * Memory: buffer max_line + 2 + 64 KiB, gzip input 64 KiB, zlib's inflate
 * state (about 7 KiB + 32 KiB window, once, on the first gzip input), and
 * per input one struct rd_input (~120 bytes) plus its path. All of it is
 * allocated in dw_reader_new()/dw_reader_add(); nothing per line or per file
 * opened.
 */
#include "reader.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#define RD_CHUNK ((size_t)64 << 10)          /* smallest read into the line buffer */
#define RD_ZIN ((size_t)64 << 10)            /* compressed input buffer */
#define RD_MAX_LINE_DEFAULT ((size_t)65536)
#define RD_MAX_LINE_LIMIT ((size_t)1 << 30)  /* dw_reader_new() refuses more */
#define RD_POLL_MS_DEFAULT 250
#define RD_SLICE_MS 50                       /* longest uninterruptible sleep */
#define RD_DEPTH_MAX 32                      /* directory nesting */
#define RD_NOLIMIT UINT64_MAX

enum { IN_STDIN = 1, IN_FOLLOW_OK = 2 };
enum { P_FIRST, P_FOLLOW, P_FLUSH, P_DONE };
enum { K_NUM, K_DATED, K_LIVE }; /* order of rotation kinds within one base */

struct rd_input {
	char *path;       /* owned; ln->file */
	unsigned flags;   /* IN_* */
	int err0;         /* errno found while expanding a directory, reported in turn */
	int fd;           /* -1 when closed */
	int regular;      /* S_ISREG: seekable, never polled */
	int gz;
	int followed;     /* in the follow set (fd may be -1: path missing) */
	int rotating;     /* the path names a new file: drain this one, then switch */
	int had_file;     /* a previous file at this path was rotated away */
	int reported;     /* a line or error of the current file went out */
	int skipping;     /* inside a line longer than max_line */
	int ended;        /* no more data from this file (EOF, garbage, error) */
	int rerr;         /* errno to report after the last line */
	dev_t dev;
	ino_t ino;
	int64_t mtime;
	uint64_t lineno;
	uint64_t pos;     /* followed, detached: stream offset of the first undelivered byte */
	uint64_t rdoff;   /* followed, detached: bytes read so far */
	uint64_t limit;   /* read no further than this offset this turn */
};

struct dw_reader {
	struct dw_reader_opts o;
	struct rd_input *in;
	size_t n, cap;
	size_t cur;           /* first pass: next input to open */
	size_t rr;            /* follow/flush: next input to visit */
	int phase;            /* P_* */
	int progress;         /* follow: this round attached something */
	struct rd_input *att; /* the input the buffer belongs to, or NULL */
	char *buf;
	size_t bufsz, start, end;
	uint64_t base;        /* stream offset of buf[0] */
	unsigned char *zin;
	z_stream z;
	int zinit, zeof, zmember_end, zerr;
	int64_t last_data;    /* follow: monotonic ns of the last byte read */
	atomic_int stop; /* set from a signal handler or another thread (lock-free) */
	struct dw_reader_stats st;
};

static int64_t rd_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * DW_NS + ts.tv_nsec;
}

static int rd_idle(const struct dw_reader *r)
{
	return r->o.follow && r->o.idle_exit_ms > 0 &&
	       rd_now() - r->last_data >= (int64_t)r->o.idle_exit_ms * 1000000;
}

/* ---- directory expansion (dw_reader_add) ---------------------------------------------- */

struct rd_ent {
	char *name;
	size_t blen;     /* length of the base name */
	int kind;        /* K_* */
	uint64_t num;    /* K_NUM: the member number */
	size_t dpos;     /* K_DATED: digits */
	size_t dlen;
};

struct rd_devino {
	dev_t dev;
	ino_t ino;
};

struct rd_seen {
	struct rd_devino *v;
	size_t n, cap;
};

static void rd_rotkey(struct rd_ent *e)
{
	const char *s = e->name;
	size_t n = strlen(s), m = n, d;

	e->blen = n;
	e->kind = K_LIVE;
	if (m > 3 && memcmp(s + m - 3, ".gz", 3) == 0)
		m -= 3;
	for (d = m; d > 0 && dw_isdigit((unsigned char)s[d - 1]); d--)
		;
	if (d == m || d < 2)
		return; /* no digits, or nothing before the separator */
	if (m - d >= 8 && m - d <= 14 && (s[d - 1] == '-' || s[d - 1] == '.' || s[d - 1] == '_')) {
		e->kind = K_DATED;
		e->dpos = d;
		e->dlen = m - d;
		e->blen = d - 1;
	} else if (m - d <= 7 && s[d - 1] == '.') {
		e->kind = K_NUM;
		e->num = 0;
		for (size_t i = d; i < m; i++)
			e->num = e->num * 10 + (uint64_t)(s[i] - '0');
		e->blen = d - 1;
	}
}

static int rd_entcmp(const void *pa, const void *pb)
{
	const struct rd_ent *a = pa, *b = pb;
	int c = memcmp(a->name, b->name, DW_MIN(a->blen, b->blen));

	if (c)
		return c;
	if (a->blen != b->blen)
		return a->blen < b->blen ? -1 : 1;
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	if (a->kind == K_NUM && a->num != b->num)
		return a->num > b->num ? -1 : 1; /* higher number = older = first */
	if (a->kind == K_DATED) {
		if (a->dlen != b->dlen)
			return a->dlen < b->dlen ? -1 : 1;
		c = memcmp(a->name + a->dpos, b->name + b->dpos, a->dlen);
		if (c)
			return c;
	}
	return strcmp(a->name, b->name);
}

/* Adds (dev, ino) to the sorted set; returns 1 if it was new, 0 if seen, DW_ENOMEM. */
static int rd_seen_add(struct rd_seen *s, dev_t dev, ino_t ino)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct rd_devino *x = &s->v[mid];
		if (x->dev == dev && x->ino == ino)
			return 0;
		if (x->dev < dev || (x->dev == dev && x->ino < ino))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (s->n == s->cap) {
		size_t nc = s->cap ? s->cap * 2 : 16;
		struct rd_devino *nv = realloc(s->v, nc * sizeof(*nv));
		if (!nv)
			return DW_ENOMEM;
		s->v = nv;
		s->cap = nc;
	}
	memmove(&s->v[lo + 1], &s->v[lo], (s->n - lo) * sizeof(*s->v));
	s->v[lo].dev = dev;
	s->v[lo].ino = ino;
	s->n++;
	return 1;
}

/* Queues an input; takes ownership of path (freed here on failure). */
static int rd_push(struct dw_reader *r, char *path, unsigned flags, int err0)
{
	struct rd_input *in;

	if (r->n == r->cap) {
		size_t nc = r->cap ? r->cap * 2 : 16;
		struct rd_input *nv = realloc(r->in, nc * sizeof(*nv));
		if (!nv) {
			free(path);
			return DW_ENOMEM;
		}
		if (r->att)
			r->att = nv + (r->att - r->in);
		r->in = nv;
		r->cap = nc;
	}
	in = &r->in[r->n++];
	memset(in, 0, sizeof(*in));
	in->path = path;
	in->flags = flags;
	in->err0 = err0;
	in->fd = -1;
	return DW_OK;
}

static char *rd_join(const char *dir, const char *name)
{
	size_t dl = strlen(dir), nl = strlen(name);
	int slash = dl > 0 && dir[dl - 1] != '/';
	char *p = malloc(dl + slash + nl + 1);

	if (!p)
		return NULL;
	memcpy(p, dir, dl);
	if (slash)
		p[dl] = '/';
	memcpy(p + dl + slash, name, nl + 1);
	return p;
}

static int rd_walk(struct dw_reader *r, const char *dir, int depth, struct rd_seen *seen)
{
	struct rd_ent *ents = NULL;
	size_t n = 0, cap = 0, i;
	DIR *d = NULL;
	struct dirent *de;
	char *dup;
	int rc = DW_OK;

	if (depth >= RD_DEPTH_MAX)
		return (dup = strdup(dir)) ? rd_push(r, dup, 0, ELOOP) : DW_ENOMEM;
	d = opendir(dir);
	if (!d) {
		int e = errno;
		return (dup = strdup(dir)) ? rd_push(r, dup, 0, e) : DW_ENOMEM;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' &&
		    (de->d_name[1] == 0 || (de->d_name[1] == '.' && de->d_name[2] == 0)))
			continue;
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 32;
			struct rd_ent *ne = realloc(ents, nc * sizeof(*ne));
			if (!ne) {
				rc = DW_ENOMEM;
				goto fail;
			}
			ents = ne;
			cap = nc;
		}
		memset(&ents[n], 0, sizeof(ents[n]));
		ents[n].name = strdup(de->d_name);
		if (!ents[n].name) {
			rc = DW_ENOMEM;
			goto fail;
		}
		rd_rotkey(&ents[n]);
		n++;
	}
	closedir(d);
	d = NULL;
	if (n)
		qsort(ents, n, sizeof(*ents), rd_entcmp);
	for (i = 0; i < n; i++) {
		struct stat sb;
		char *p = rd_join(dir, ents[i].name);

		if (!p) {
			rc = DW_ENOMEM;
			goto fail;
		}
		if (stat(p, &sb) != 0) {
			int e = errno;
			rc = rd_push(r, p, 0, e); /* dangling link, no permission: say so */
		} else if (S_ISDIR(sb.st_mode)) {
			rc = rd_seen_add(seen, sb.st_dev, sb.st_ino);
			if (rc == 1)
				rc = rd_walk(r, p, depth + 1, seen);
			free(p);
		} else if (S_ISREG(sb.st_mode)) {
			rc = rd_push(r, p, ents[i].kind == K_LIVE ? IN_FOLLOW_OK : 0, 0);
		} else {
			free(p); /* socket, fifo, device: not a log */
		}
		if (rc < 0)
			goto fail;
		rc = DW_OK;
	}
fail:
	if (d)
		closedir(d);
	for (i = 0; i < n; i++)
		free(ents[i].name);
	free(ents);
	return rc;
}

/* ---- reading ------------------------------------------------------------------------------ */

/* Waits until a pipe/tty is readable: 1, 0 when stopped or idle, -1 on error. */
static int rd_wait(struct dw_reader *r, int fd)
{
	struct pollfd pf = {.fd = fd, .events = POLLIN};

	for (;;) {
		int rc;

		if (r->stop || rd_idle(r))
			return 0;
		rc = poll(&pf, 1, RD_SLICE_MS);
		if (rc > 0)
			return 1;
		if (rc < 0 && errno != EINTR)
			return -1;
	}
}

/* read(2) with EINTR/EAGAIN handled: bytes read, 0 at end, -1 with errno. */
static ssize_t rd_read(struct dw_reader *r, struct rd_input *in, void *dst, size_t want)
{
	for (;;) {
		ssize_t n;

		if (!in->regular) {
			int w = rd_wait(r, in->fd);
			if (w <= 0)
				return w;
		}
		n = read(in->fd, dst, want);
		if (n > 0) {
			r->st.raw_bytes += (uint64_t)n;
			if (r->o.follow)
				r->last_data = rd_now();
			return n;
		}
		if (n == 0)
			return 0;
		if (errno != EINTR && !(errno == EAGAIN && !in->regular))
			return -1;
	}
}

/* Reads plain bytes to dst, never past in->limit (stream offset base + end). */
static ssize_t rd_fill_plain(struct dw_reader *r, struct rd_input *in, char *dst, size_t space)
{
	uint64_t off = r->base + r->end;

	if (in->limit != RD_NOLIMIT) {
		if (off >= in->limit)
			return 0;
		if (in->limit - off < space)
			space = (size_t)(in->limit - off);
	}
	return rd_read(r, in, dst, space);
}

/* Inflates into dst: bytes produced, 0 at the end of the last member, -1 with errno. */
static ssize_t rd_fill_gz(struct dw_reader *r, struct rd_input *in, char *dst, size_t space)
{
	z_stream *z = &r->z;

	z->next_out = (Bytef *)dst;
	z->avail_out = (uInt)space;
	for (;;) {
		size_t got;
		int zr;

		if (r->zerr) {
			errno = r->zerr;
			return -1;
		}
		if ((z->avail_in == 0 || (r->zmember_end && z->avail_in < 2)) && !r->zeof) {
			ssize_t n;

			if (z->avail_in)
				memmove(r->zin, z->next_in, z->avail_in);
			n = rd_read(r, in, r->zin + z->avail_in, RD_ZIN - z->avail_in);
			if (n < 0)
				return -1;
			if (n == 0)
				r->zeof = 1;
			z->next_in = r->zin;
			z->avail_in += (uInt)n;
			continue;
		}
		if (r->zmember_end) {
			if (z->avail_in < 2 || z->next_in[0] != 0x1f || z->next_in[1] != 0x8b) {
				z->avail_in = 0; /* end, or garbage: ignored like gzip -d */
				r->zeof = 1;
				return 0;
			}
			if (inflateReset(z) != Z_OK) {
				errno = EBADMSG;
				return -1;
			}
			r->zmember_end = 0;
		}
		zr = inflate(z, Z_NO_FLUSH);
		got = space - z->avail_out;
		if (zr == Z_STREAM_END) {
			r->zmember_end = 1;
			if (got)
				return (ssize_t)got;
			continue;
		}
		if (zr == Z_OK || (zr == Z_BUF_ERROR && z->avail_in == 0)) {
			if (got)
				return (ssize_t)got;
			if (z->avail_in == 0 && r->zeof)
				r->zerr = EBADMSG; /* truncated inside a member */
			continue;
		}
		r->zerr = zr == Z_MEM_ERROR ? ENOMEM : EBADMSG;
		if (got)
			return (ssize_t)got; /* deliver what decoded; the error comes next call */
	}
}

static void rd_emit(struct dw_reader *r, struct rd_input *in, struct dw_line *ln, const char *p,
		    size_t n, uint64_t off)
{
	ln->p = p;
	ln->n = n;
	ln->file = in->path;
	ln->lineno = in->lineno;
	ln->offset = off;
	ln->file_start = !in->reported;
	ln->mtime = in->mtime;
	ln->err = 0;
	in->reported = 1;
	r->st.lines++;
	r->st.bytes += n;
}

static int rd_report(struct rd_input *in, struct dw_line *ln, int err)
{
	ln->p = "";
	ln->n = 0;
	ln->file = in->path;
	ln->lineno = in->lineno;
	ln->offset = 0;
	ln->file_start = !in->reported;
	ln->mtime = in->mtime;
	ln->err = err ? err : EIO;
	in->reported = 1;
	return DW_EIO;
}

/* Leaves a followed input: the unread tail is read again from pos next time. */
static void rd_detach(struct dw_reader *r, struct rd_input *in)
{
	in->pos = r->base + r->start;
	in->rdoff = r->base + r->end;
	r->att = NULL;
}

/* Closes the current file of an input; keep = it stays followed (its path is retried). */
static void rd_close(struct dw_reader *r, struct rd_input *in, int keep)
{
	if (in->fd >= 0 && !(in->flags & IN_STDIN))
		close(in->fd);
	in->fd = -1;
	in->followed = keep;
	if (keep)
		in->had_file = 1;
	in->rotating = 0;
	if (r->att == in)
		r->att = NULL;
}

/* Positions the buffer at in->pos of a followed file, reading up to limit. */
static int rd_attach(struct dw_reader *r, struct rd_input *in, uint64_t limit)
{
	if (lseek(in->fd, (off_t)in->pos, SEEK_SET) < 0)
		return DW_EAGAIN;
	r->att = in;
	r->base = in->pos;
	r->start = r->end = 0;
	in->limit = limit;
	in->ended = 0;
	return DW_OK;
}

/* Makes room for at least RD_CHUNK bytes after end (see the buffer invariant). */
static void rd_room(struct dw_reader *r)
{
	if (r->start == r->end) {
		r->base += r->end;
		r->start = r->end = 0;
	} else if (r->bufsz - r->end < RD_CHUNK) {
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->base += r->start;
		r->end -= r->start;
		r->start = 0;
	}
}

/*
 * Delivers the next line of the attached input: DW_OK, DW_EIO (its error,
 * after its last line), or DW_EAGAIN when it has nothing more now (then it is
 * detached: closed, or for a followed file held at pos).
 */
static int rd_line(struct dw_reader *r, struct dw_line *ln)
{
	struct rd_input *in = r->att;
	size_t len, avail;
	uint64_t off;
	char *p;

	for (;;) {
		char *nl;

		p = r->buf + r->start;
		avail = r->end - r->start;
		nl = avail ? memchr(p, '\n', avail) : NULL;
		if (DW_LIKELY(nl != NULL)) {
			len = (size_t)(nl - p);
			off = r->base + r->start;
			r->start += len + 1;
			in->lineno++;
			if (DW_UNLIKELY(in->skipping)) {
				in->skipping = 0;
				continue;
			}
			if (len && p[len - 1] == '\r')
				len--;
			if (DW_UNLIKELY(len > r->o.max_line)) {
				r->st.too_long++;
				continue;
			}
			rd_emit(r, in, ln, p, len, off);
			return DW_OK;
		}
		if (in->skipping || avail > r->o.max_line + 1) {
			if (!in->skipping)
				r->st.too_long++;
			in->skipping = 1;
			r->base += r->end;
			r->start = r->end = 0;
		}
		if (!in->ended) {
			ssize_t n;

			rd_room(r);
			n = in->gz ? rd_fill_gz(r, in, r->buf + r->end, r->bufsz - r->end)
				   : rd_fill_plain(r, in, r->buf + r->end, r->bufsz - r->end);
			if (n > 0) {
				r->end += (size_t)n;
				continue;
			}
			if (n == 0 && in->followed && !in->rotating) {
				rd_detach(r, in); /* hold a last line without newline */
				return DW_EAGAIN;
			}
			if (n < 0) {
				in->rerr = errno ? errno : EIO;
				r->st.read_errors++;
			}
			in->ended = 1;
		}
		/* no more data: a last line without newline, then the error, then done */
		avail = r->end - r->start;
		if (avail && !in->skipping) {
			p = r->buf + r->start;
			len = avail;
			off = r->base + r->start;
			r->start = r->end;
			in->lineno++;
			if (p[len - 1] == '\r')
				len--;
			if (len <= r->o.max_line) {
				rd_emit(r, in, ln, p, len, off);
				return DW_OK;
			}
			r->st.too_long++;
		}
		in->skipping = 0;
		if (in->rerr) {
			int e = in->rerr;

			in->rerr = 0;
			rd_close(r, in, 0);
			return rd_report(in, ln, e);
		}
		rd_close(r, in, in->followed);
		return DW_EAGAIN;
	}
}

/*
 * Opens the current file of an input and attaches it. Returns DW_OK, DW_EIO
 * with ln filled (first pass), or DW_EAGAIN (quiet: follow-phase retries).
 */
static int rd_open(struct dw_reader *r, struct rd_input *in, struct dw_line *ln, int quiet)
{
	struct stat sb;
	int fd = -1, e;

	in->reported = 0;
	in->lineno = 0;
	in->mtime = 0;
	if (in->err0) {
		e = in->err0;
		goto fail;
	}
	if (in->flags & IN_STDIN) {
		fd = 0;
	} else {
		fd = open(in->path, O_RDONLY | O_CLOEXEC | O_NOCTTY | (quiet ? O_NONBLOCK : 0));
		if (fd < 0) {
			e = errno;
			goto fail;
		}
	}
	if (fstat(fd, &sb) != 0) {
		e = errno;
		goto fail;
	}
	if (S_ISDIR(sb.st_mode) || (quiet && !S_ISREG(sb.st_mode))) {
		e = S_ISDIR(sb.st_mode) ? EISDIR : EINVAL;
		goto fail;
	}
	in->fd = fd;
	in->regular = S_ISREG(sb.st_mode);
	in->dev = sb.st_dev;
	in->ino = sb.st_ino;
	if (!(in->flags & IN_STDIN))
		in->mtime = (int64_t)sb.st_mtim.tv_sec * DW_NS + sb.st_mtim.tv_nsec;
	in->gz = in->skipping = in->ended = in->rerr = in->rotating = 0;
	in->followed = r->o.follow && (in->flags & IN_FOLLOW_OK) && in->regular;
	in->limit = in->followed ? (uint64_t)sb.st_size : RD_NOLIMIT;
	in->pos = in->rdoff = 0;
	if (in->had_file) {
		in->had_file = 0;
		r->st.rotations++;
	}
	r->st.inputs++;
	r->att = in;
	r->base = 0;
	r->start = r->end = 0;
	if (r->o.follow)
		r->last_data = rd_now();

	/* sniff: gzip magic in the first bytes */
	while (r->end < 2) {
		ssize_t n = rd_fill_plain(r, in, r->buf + r->end, RD_ZIN - r->end);
		if (n > 0) {
			r->end += (size_t)n;
			continue;
		}
		if (n < 0) {
			in->rerr = errno ? errno : EIO;
			r->st.read_errors++;
			in->ended = 1;
		}
		break;
	}
	if (r->end >= 2 && (unsigned char)r->buf[0] == 0x1f && (unsigned char)r->buf[1] == 0x8b) {
		int zr = Z_OK;

		if (r->zinit) {
			zr = inflateReset2(&r->z, 16 + MAX_WBITS);
		} else {
			memset(&r->z, 0, sizeof(r->z));
			zr = inflateInit2(&r->z, 16 + MAX_WBITS);
			r->zinit = zr == Z_OK; /* a failed init holds no memory */
		}
		if (zr != Z_OK) {
			in->rerr = zr == Z_MEM_ERROR ? ENOMEM : EINVAL;
			r->st.read_errors++;
			in->ended = 1;
			r->end = 0;
		} else {
			memcpy(r->zin, r->buf, r->end);
			r->z.next_in = r->zin;
			r->z.avail_in = (uInt)r->end;
			r->end = 0;
			r->zeof = r->zmember_end = r->zerr = 0;
			in->gz = 1;
			in->followed = 0;
			in->limit = RD_NOLIMIT;
		}
	}
	return DW_OK;

fail:
	if (fd > 0 || (fd == 0 && !(in->flags & IN_STDIN)))
		close(fd);
	in->fd = -1;
	if (quiet)
		return DW_EAGAIN;
	r->st.open_errors++;
	/* a missing file we were asked to follow may appear later */
	in->followed = r->o.follow && (in->flags & IN_FOLLOW_OK) && !in->err0;
	return rd_report(in, ln, e);
}

/* Follow: looks at one followed input; DW_OK when it was attached (data to read). */
static int rd_poll(struct dw_reader *r, struct rd_input *in, struct dw_line *ln)
{
	struct stat sb;

	if (in->fd < 0)
		return rd_open(r, in, ln, 1);
	if (fstat(in->fd, &sb) != 0)
		return DW_EAGAIN;
	in->mtime = (int64_t)sb.st_mtim.tv_sec * DW_NS + sb.st_mtim.tv_nsec;
	if ((uint64_t)sb.st_size < in->rdoff) {
		r->st.truncations++;
		in->pos = in->rdoff = 0;
		in->lineno = 0;
		in->reported = 0;
		in->skipping = 0;
		return rd_attach(r, in, (uint64_t)sb.st_size);
	}
	if ((uint64_t)sb.st_size > in->rdoff)
		return rd_attach(r, in, (uint64_t)sb.st_size);
	if (stat(in->path, &sb) != 0 || (sb.st_dev == in->dev && sb.st_ino == in->ino))
		return DW_EAGAIN;
	/* rotated: the held line of the old file goes out first, then the new file */
	in->rotating = 1;
	if (in->pos < in->rdoff)
		return rd_attach(r, in, in->rdoff);
	rd_close(r, in, 1);
	return rd_open(r, in, ln, 1);
}

static void rd_sleep(struct dw_reader *r)
{
	int left = r->o.poll_ms;

	if (r->o.idle)
		r->o.idle(r->o.idle_ctx);
	while (left > 0 && !r->stop) {
		int ms = DW_MIN(left, RD_SLICE_MS);
		struct timespec ts = {.tv_sec = 0, .tv_nsec = (long)ms * 1000000L};

		nanosleep(&ts, NULL);
		left -= ms;
	}
}

/* Stop or idle: deliver what is held, then end. */
static void rd_begin_flush(struct dw_reader *r)
{
	struct rd_input *in = r->att;

	if (in) {
		if (in->followed && !in->gz)
			rd_detach(r, in);
		else
			rd_close(r, in, 0);
	}
	r->phase = P_FLUSH;
	r->rr = 0;
}

/* One step of the follow phase: DW_OK (something attached), DW_EIO, or DW_EAGAIN (phase moved). */
static int rd_follow(struct dw_reader *r, struct dw_line *ln)
{
	for (;;) {
		size_t nfollowed = 0;

		if (r->stop || rd_idle(r)) {
			rd_begin_flush(r);
			return DW_EAGAIN;
		}
		while (r->rr < r->n) {
			struct rd_input *in = &r->in[r->rr++];
			int rc;

			if (!in->followed)
				continue;
			nfollowed++;
			rc = rd_poll(r, in, ln);
			if (rc == DW_OK) {
				r->progress = 1;
				return DW_OK;
			}
			if (rc != DW_EAGAIN)
				return rc;
		}
		r->rr = 0;
		if (!nfollowed && !r->progress) {
			r->phase = P_DONE;
			return DW_EAGAIN;
		}
		if (!r->progress)
			rd_sleep(r);
		r->progress = 0;
	}
}

int dw_reader_next(struct dw_reader *r, struct dw_line *ln)
{
	for (;;) {
		int rc;

		if (DW_UNLIKELY(r->stop) && r->phase < P_FLUSH)
			rd_begin_flush(r);
		if (r->att) {
			rc = rd_line(r, ln);
			if (rc != DW_EAGAIN)
				return rc;
			continue;
		}
		switch (r->phase) {
		case P_FIRST:
			if (r->cur < r->n) {
				rc = rd_open(r, &r->in[r->cur++], ln, 0);
				if (rc != DW_OK)
					return rc;
				continue;
			}
			r->phase = r->o.follow ? P_FOLLOW : P_DONE;
			r->rr = 0;
			r->progress = 0;
			r->last_data = rd_now();
			continue;
		case P_FOLLOW:
			rc = rd_follow(r, ln);
			if (rc != DW_OK && rc != DW_EAGAIN)
				return rc;
			continue;
		case P_FLUSH:
			while (r->rr < r->n && !r->att) {
				struct rd_input *in = &r->in[r->rr++];

				if (!in->followed)
					continue;
				in->followed = 0;
				if (in->fd < 0)
					continue;
				if (in->pos < in->rdoff && rd_attach(r, in, in->rdoff) == DW_OK)
					continue;
				rd_close(r, in, 0);
			}
			if (!r->att)
				r->phase = P_DONE;
			continue;
		default:
			return DW_EOF;
		}
	}
}

/* ---- life cycle --------------------------------------------------------------------------- */

int dw_reader_new(struct dw_reader **out, const struct dw_reader_opts *o)
{
	struct dw_reader *r;

	*out = NULL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return DW_ENOMEM;
	if (o)
		r->o = *o;
	if (r->o.max_line == 0)
		r->o.max_line = RD_MAX_LINE_DEFAULT;
	if (r->o.poll_ms <= 0)
		r->o.poll_ms = RD_POLL_MS_DEFAULT;
	if (r->o.idle_exit_ms < 0)
		r->o.idle_exit_ms = 0;
	if (r->o.max_line > RD_MAX_LINE_LIMIT) {
		free(r);
		return DW_EINVAL;
	}
	r->bufsz = r->o.max_line + 2 + RD_CHUNK;
	r->buf = malloc(r->bufsz);
	r->zin = malloc(RD_ZIN);
	if (!r->buf || !r->zin) {
		dw_reader_free(r);
		return DW_ENOMEM;
	}
	*out = r;
	return DW_OK;
}

void dw_reader_free(struct dw_reader *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++) {
		if (r->in[i].fd >= 0 && !(r->in[i].flags & IN_STDIN))
			close(r->in[i].fd);
		free(r->in[i].path);
	}
	if (r->zinit)
		inflateEnd(&r->z);
	free(r->in);
	free(r->buf);
	free(r->zin);
	free(r);
}

static size_t rd_stem(const char *path);

/*
 * Files named one by one that belong to one rotated log (a shell glob gives
 * auth.log auth.log.1 auth.log.2.gz) are put in rotation order, oldest first,
 * as a directory walk would: the input just pushed moves back past the
 * members of its log that are newer.
 */
static void rd_order_members(struct dw_reader *r)
{
	size_t i = r->n - 1;

	while (i > 0 && !(r->in[i - 1].flags & IN_STDIN)) {
		const char *a = r->in[i - 1].path, *b = r->in[i].path;
		const char *sa = strrchr(a, '/'), *sb = strrchr(b, '/');
		size_t la = rd_stem(a), lb = rd_stem(b);
		struct rd_ent ea, eb;
		struct rd_input t;

		if (la != lb || memcmp(a, b, la) != 0)
			break; /* another log */
		memset(&ea, 0, sizeof(ea));
		memset(&eb, 0, sizeof(eb));
		ea.name = (char *)(uintptr_t)(sa ? sa + 1 : a);
		eb.name = (char *)(uintptr_t)(sb ? sb + 1 : b);
		rd_rotkey(&ea);
		rd_rotkey(&eb);
		if (rd_entcmp(&ea, &eb) <= 0)
			break;
		t = r->in[i - 1];
		r->in[i - 1] = r->in[i];
		r->in[i] = t;
		i--;
	}
}

int dw_reader_add(struct dw_reader *r, const char *path)
{
	struct rd_seen seen = {0};
	struct stat sb;
	char *dup = strdup(path);
	int rc;

	if (!dup)
		return DW_ENOMEM;
	if (strcmp(path, "-") == 0)
		return rd_push(r, dup, IN_STDIN, 0);
	if (stat(path, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
		rc = rd_push(r, dup, IN_FOLLOW_OK, 0); /* errors are reported in turn */
		if (rc == DW_OK)
			rd_order_members(r);
		return rc;
	}
	free(dup);
	rc = rd_seen_add(&seen, sb.st_dev, sb.st_ino);
	if (rc >= 0)
		rc = rd_walk(r, path, 0, &seen);
	free(seen.v);
	return rc < 0 ? rc : DW_OK;
}

void dw_reader_stop(struct dw_reader *r)
{
	r->stop = 1;
}

const struct dw_reader_stats *dw_reader_stats(const struct dw_reader *r)
{
	return &r->st;
}

size_t dw_reader_inputs(const struct dw_reader *r)
{
	return r->n;
}

/* Length of the stem of path: its directory and base name without rotation suffix. */
static size_t rd_stem(const char *path)
{
	const char *slash = strrchr(path, '/');
	size_t dir = slash ? (size_t)(slash - path) + 1 : 0;
	struct rd_ent e;

	memset(&e, 0, sizeof(e));
	e.name = (char *)(uintptr_t)(path + dir);
	rd_rotkey(&e);
	return dir + e.blen;
}

const char *dw_reader_input(const struct dw_reader *r, size_t i, int *same_log)
{
	const char *p, *q;
	size_t a, b;

	if (i >= r->n)
		return NULL;
	p = r->in[i].path;
	if (same_log) {
		*same_log = 0;
		if (i > 0 && !(r->in[i].flags & IN_STDIN) && !(r->in[i - 1].flags & IN_STDIN)) {
			q = r->in[i - 1].path;
			a = rd_stem(p);
			b = rd_stem(q);
			*same_log = a == b && memcmp(p, q, a) == 0;
		}
	}
	return p;
}
