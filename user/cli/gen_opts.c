#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "gen_opts.h"
#include "log.h"

void gen_opts_defaults(struct gen_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->bind = BIND_AUTO;
	o->xdp_mode = XDP_MODE_SKB;
	o->batch = 64;
	o->ring_size = 2048;
	o->frame_size = 2048;
	o->frames = 4096;
	o->size = 64;
	o->interval = 1;
}

/* Six octets of one or two hex digits each, separated by ':' and nothing
 * else (sscanf's %x took 100 and truncated it to 0x00). */
static int parse_mac(const char *s, uint8_t mac[6])
{
	for (int i = 0; i < 6; i++) {
		int digits = 0;
		unsigned int v = 0;

		for (; isxdigit((unsigned char)*s) && digits < 3; s++, digits++)
			v = v * 16 + (isdigit((unsigned char)*s) ? *s - '0' : (tolower((unsigned char)*s) - 'a' + 10));
		if (!digits || digits > 2 || *s != (i < 5 ? ':' : '\0'))
			return -EINVAL;
		mac[i] = v;
		s++;
	}
	return 0;
}

int gen_opts_to_cfg(const struct gen_opts *o, enum gen_mode mode, struct gen_cfg *c)
{
	memset(c, 0, sizeof(*c));
	c->mode = mode;
	c->tx_recv = o->rx;
	c->ifname = o->iface;
	c->queues = 1;
	if (o->queues && opts_parse_list(o->queues, &c->queues)) {
		rs_err("--queues '%s': use a list like 0 or 0,2 or 0-3 (queues below 64)", o->queues);
		return -EINVAL;
	}
	c->port.bind = o->bind;
	c->port.need_wakeup = o->wakeup == 0;
	c->port.ring_size = o->ring_size;
	c->port.frame_size = o->frame_size;
	c->port.nframes = o->frames;
	c->port.busy_poll_us = o->busy_poll;
	c->port.batch = o->batch;
	c->xdp_mode = o->xdp_mode;
	c->replace = o->replace;
	c->force = o->force;
	c->pin = !o->no_pin;
	c->pkt_size = o->size;
	c->batch = o->batch;
	c->count = o->count;
	c->duration = o->duration;
	c->rate = o->rate;
	c->epoch = o->epoch;
	if (o->dst_mac) {
		if (parse_mac(o->dst_mac, c->dst_mac)) {
			rs_err("--dst-mac '%s': use six hex octets 00..ff, like 02:00:00:00:00:01", o->dst_mac);
			return -EINVAL;
		}
		c->have_dst_mac = true;
	}
	return gen_cfg_check(c);
}
