/*
 * evtxbench.c - decode speed of src/parse/evtx.c: decodes FILE.evtx ROUNDS
 * times (default 3) with a callback that only counts, and prints the best
 * round's MB/s, records/s and ns/record. Not run by make test; build with
 * `make build/release/tests/evtxbench`.
 *
 *   evtxbench FILE.evtx [ROUNDS]
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../../src/parse/evtx.h"

struct sum {
	uint64_t n, x;
};

static void on_event(void *ctx, const struct dw_event *e)
{
	struct sum *s = ctx;
	s->n++;
	s->x += e->event_id + e->action + e->user.n;
}

int main(int argc, char **argv)
{
	int fd, rounds = argc > 2 ? atoi(argv[2]) : 3;
	struct stat st;
	uint8_t *m;
	double best = 1e30;
	struct sum s = {0, 0};

	if (argc < 2 || (fd = open(argv[1], O_RDONLY)) < 0 || fstat(fd, &st) != 0) {
		fprintf(stderr, "usage: evtxbench FILE.evtx [ROUNDS]\n");
		return 1;
	}
	m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
	if (m == MAP_FAILED)
		return 1;
	for (int r = 0; r < rounds; r++) {
		struct timespec a, b;
		struct dw_evtx *x;
		double t;
		s.n = 0;
		clock_gettime(CLOCK_MONOTONIC, &a);
		if (dw_evtx_open(&x, m, (size_t)st.st_size) != DW_OK)
			return 1;
		while (dw_evtx_next(x, on_event, &s))
			;
		dw_evtx_free(x);
		clock_gettime(CLOCK_MONOTONIC, &b);
		t = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
		if (t < best)
			best = t;
	}
	printf("%s: %.1f MB, %llu records, best of %d: %.3f s, %.0f MB/s, %.0f records/s, "
	       "%.0f ns/record (check %llu)\n",
	       argv[1], (double)st.st_size / 1e6, (unsigned long long)s.n, rounds, best,
	       (double)st.st_size / 1e6 / best, (double)s.n / best, best * 1e9 / (double)s.n,
	       (unsigned long long)s.x);
	return 0;
}
