/* Tiny assertion helpers for the unit tests: one "PASS: name" or
 * "FAIL: name: why" line per check, exit status = number of failures. */
#ifndef RS_CHECK_H
#define RS_CHECK_H

#include <stdio.h>

static int check_failures;

#define CHECK(cond, name, ...) do {						\
	if (cond) {								\
		printf("PASS: %s\n", name);					\
	} else {								\
		printf("FAIL: %s: ", name);					\
		printf(__VA_ARGS__);						\
		printf(" (%s:%d)\n", __FILE__, __LINE__);			\
		check_failures++;						\
	}									\
} while (0)

#define CHECK_DONE() return check_failures ? 1 : 0

#endif
