/* libFuzzer harness of the frame verifier: any byte string is a received
 * frame of exactly that length (ASan catches a read beyond it); a frame that
 * verifies must really be a well-formed ringscope frame. */
#include <stdlib.h>
#include <string.h>
#include "pkt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pkt_rx rx;
	enum pkt_reason r;
	uint8_t *f;

	if (size > 65536)
		return 0;
	f = malloc(size ? size : 1);
	if (!f)
		return 0;
	memcpy(f, data, size);
	r = pkt_verify(f, (uint32_t)size, &rx);
	if ((unsigned)r >= PKT_NREASONS)
		abort();
	if (r == PKT_R_OK) {
		uint16_t ip_len = (uint16_t)(f[16] << 8 | f[17]);

		if (size < PKT_MIN_LEN || rx.stream >= PKT_MAX_STREAMS || 14u + ip_len > size ||
		    ip_len < 20 + 8 + sizeof(struct rs_payload) || csum_fold(csum_partial(f + 42, ip_len - 28, 0)) != 0xffff)
			abort();
	}
	free(f);
	return 0;
}
