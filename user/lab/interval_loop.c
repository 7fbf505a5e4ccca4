#include <stdint.h>
#include "gen.h"
#include "interval_loop.h"
#include "stop.h"

void interval_loop(volatile bool *done, volatile bool *stop, double interval_s, bool bounded,
		   interval_tick_fn tick, void *ctx)
{
	uint64_t step = interval_s > 0 && tick ? (uint64_t)(interval_s * 1e9) : UINT64_MAX / 4;
	uint64_t t0 = now_ns(), last = t0, next = t0 + step;

	while (!*done) {
		uint64_t now = now_ns(), wait = next > now ? next - now : 0;

		if (now >= next) {
			tick(ctx, (now - t0) / 1e9, (now - last) / 1e9);
			last = now;
			next += step;
			continue;
		}
		/* Short waits: the worker's end is seen within 20 ms. */
		if (stop_wait(wait > 20000000 ? 20000000 : wait, bounded))
			*stop = true;
	}
}
