/* consume — what quake-consume's files share: one struct consume, made in
 * main and passed by pointer, and the flags that fill it (options.c). */
#ifndef QUAKE_CONSUME_H
#define QUAKE_CONSUME_H

#include <stdint.h>

#include "offsets.h"

#define TOPICS_MAX 8

/* One consumer's run, made in main and passed by pointer. */
struct consume {
	struct {
		const char *topics[TOPICS_MAX];
		int ntopics;
		int64_t start;	/* RD_KAFKA_OFFSET_*, or ms with at_time */
		int at_time, exit_eof, positions;
		long count;
		const char *acks;
	} opt;
	struct {	/* where to connect, from the flags */
		const char *brokers, *group, *file;
		const char *xs[256];
		int nx;
	} conn;
	struct offsets lines;	/* written, not yet handled, and whence */
	int fatal;		/* librdkafka's opaque: see consume_of */
	int assigned, at_eof;
	/* librdkafka 2.0.2 pauses fetching a partition whose queue was full
	 * for up to a second (its issue #2879): when a full queue runs dry,
	 * one watermark query to the leader wakes the fetcher
	 * (docs/design.md, quake-consume). */
	struct {
		size_t bytes, half;	/* read since the queue was last dry; trigger */
		int32_t partition;	/* of the last record read */
		const char *topic;	/* its topic (one of c->opt.topics) */
	} wake;
};

/* Flags into c->opt and c->conn: 0 to go on; 1 after --help, -1 after the
 * usage (*status set: 0 or 64). argv borrowed for the run. */
int options(struct consume *c, int argc, char **argv, int *status);

#endif
