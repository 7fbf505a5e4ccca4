/* Which LPI translation cache the traced VM really has, read from the kernel
 * by lpi.bpf.c on the first cached injection of each VM (not assumed from
 * the kernel version): shared by lpi.bpf.c and user/trace/trace_lpi.c. */
#ifndef RS_LPI_CACHE_H
#define RS_LPI_CACHE_H

enum lpi_cache_kind {
	LPI_CACHE_UNKNOWN = 0,	/* no VM injected yet, or a layout we do not know */
	LPI_CACHE_LRU = 1,	/* one LRU list per VM under lpi_list_lock (stock < 6.10) */
	LPI_CACHE_SHARDED = 2,	/* kernel-patches/6.1: vgic_dist.lpi_cache->nr_shards LRUs */
	LPI_CACHE_XARRAY = 3,	/* 6.10+: one xarray per ITS, read under RCU (no shards) */
};

/* One ARRAY entry: the cache of the last VM seen. */
struct lpi_cache_shape {
	__u64 kvm;		/* struct kvm * the shape was read from */
	__u32 kind;		/* enum lpi_cache_kind */
	__u32 shards;		/* LRU lists: 1 for LPI_CACHE_LRU, nr_shards; 0 for the xarray */
	__u64 vms;		/* VMs seen (distinct struct kvm * in a row) */
};

#endif
