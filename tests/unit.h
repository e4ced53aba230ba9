/* unit.h — the smallest table-driven test harness: each CHECK prints
 * "PASS name" or "FAIL name: detail"; tests/run counts them. */
#ifndef QUAKE_UNIT_H
#define QUAKE_UNIT_H

#include <stdio.h>
#include <string.h>

static int unit_failed;

#define CHECK(cond, ...) do {						\
	char unit_name_[256];						\
	snprintf(unit_name_, sizeof unit_name_, __VA_ARGS__);		\
	if (cond)							\
		printf("PASS %s\n", unit_name_);			\
	else {								\
		printf("FAIL %s: %s (%s:%d)\n", unit_name_, #cond,	\
		    __FILE__, __LINE__);				\
		unit_failed = 1;					\
	}								\
} while (0)

#define CHECK_STR(got, want, ...) do {					\
	const char *g_ = (got), *w_ = (want);				\
	char unit_name_[256];						\
	snprintf(unit_name_, sizeof unit_name_, __VA_ARGS__);		\
	if (g_ != NULL && strcmp(g_, w_) == 0)				\
		printf("PASS %s\n", unit_name_);			\
	else {								\
		printf("FAIL %s: got [%s] want [%s] (%s:%d)\n",		\
		    unit_name_, g_ ? g_ : "(null)", w_, __FILE__,	\
		    __LINE__);						\
		unit_failed = 1;					\
	}								\
} while (0)

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

#endif
