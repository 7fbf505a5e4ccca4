/* Malformed and valid ringscope frames by name, for the unit test of the
 * verifier (tests/unit/test_pkt.c) and the raw sender of the host test
 * (tests/host/frame_send.c): both use the same table. */
#ifndef RS_TEST_FRAMES_H
#define RS_TEST_FRAMES_H

#include <stdint.h>
#include "pkt.h"

#define FRAME_MAX 256

struct frame_case {
	const char *name;
	enum pkt_reason want;	/* what pkt_verify() must say */
	void (*make)(uint8_t *f, uint32_t *len);	/* mutate a valid 64 B frame */
};

extern const struct frame_case frame_cases[];
extern const int frame_ncases;

/* The send stamp of the frames built from here on (default 1000 ns). */
extern uint64_t frame_ts_ns;
/* A valid frame of len bytes (64..FRAME_MAX). */
void frame_valid(uint8_t *f, uint32_t len, uint16_t epoch, uint16_t stream, uint64_t seq);
/* Build case c into f (FRAME_MAX bytes) as stream 0 with epoch and seq; *len
 * is the length to hand to the verifier / to send. */
void frame_make(const struct frame_case *c, uint8_t *f, uint32_t *len, uint16_t epoch, uint64_t seq);
const struct frame_case *frame_case_find(const char *name);

#endif
