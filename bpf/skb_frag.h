/* The bytes at the start of an skb's first page fragment (CO-RE), for BPF
 * programs that read a frame the stack left out of the linear data (AF_XDP
 * copy-mode TX on a device with NETIF_F_SG keeps the umem page as frags[0]).
 *
 * skb_frag_t has had three layouts: struct bio_vec (6.1: bv_page, bv_len,
 * bv_offset), struct skb_frag with those fields (kernels between) and struct
 * skb_frag { netmem, len, offset } (6.12, 7.x; netmem bit 0 marks a net_iov,
 * which has no page in the direct map). A page becomes a kernel address through
 * the direct map, which is x86_64's layout here:
 *     page_offset_base + (page - vmemmap_base) / sizeof(struct page) * PAGE_SIZE
 * (both bases are variables under KASLR's memory randomisation, read through
 * their kallsyms addresses). Other architectures: skb_frag0_read() returns
 * false, and user space says so (trace_path.c). */
#ifndef RS_SKB_FRAG_H
#define RS_SKB_FRAG_H

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>

struct skb_frag___page {		/* between 6.1 and netmem */
	struct page *bv_page;
	unsigned int bv_len;
	unsigned int bv_offset;
} __attribute__((preserve_access_index));

#define RS_NET_IOV 1ull			/* netmem_ref bit 0: a net_iov, not a page */

#if defined(__TARGET_ARCH_x86)
extern const void page_offset_base __ksym __weak;
extern const void vmemmap_base __ksym __weak;
#endif

/* skb_shinfo(skb): at skb->head + skb->end (end is an offset on 64-bit kernels). */
static __always_inline struct skb_shared_info *skb_shinfo_of(const struct sk_buff *skb)
{
	unsigned char *head = BPF_CORE_READ(skb, head);

	return head ? (void *)(head + BPF_CORE_READ(skb, end)) : NULL;
}

/* The page, offset and length of frags[0] in this kernel's layout. */
static __always_inline bool skb_frag0(const struct skb_shared_info *sh, __u64 *page, __u32 *off, __u32 *len)
{
	void *f = (void *)sh + bpf_core_field_offset(struct skb_shared_info, frags);

	if (bpf_core_field_exists(struct skb_frag, netmem)) {
		struct skb_frag *nf = f;

		*page = (__u64)BPF_CORE_READ(nf, netmem);
		if (*page & RS_NET_IOV)
			return false;
		*off = BPF_CORE_READ(nf, offset);
		*len = BPF_CORE_READ(nf, len);
	} else if (bpf_core_type_exists(struct skb_frag) && bpf_core_field_exists(struct skb_frag___page, bv_page)) {
		struct skb_frag___page *pf = f;

		*page = (__u64)BPF_CORE_READ(pf, bv_page);
		*off = BPF_CORE_READ(pf, bv_offset);
		*len = BPF_CORE_READ(pf, bv_len);
	} else {
		struct bio_vec *bv = f;		/* 6.1: typedef struct bio_vec skb_frag_t */

		*page = (__u64)BPF_CORE_READ(bv, bv_page);
		*off = BPF_CORE_READ(bv, bv_offset);
		*len = BPF_CORE_READ(bv, bv_len);
	}
	return *page != 0;
}

/* Copy n bytes from the start of the skb's first page fragment into buf;
 * false if it has no fragment, the fragment is shorter than n, its page is
 * not in the direct map, or this architecture's direct map is not known here.
 * page_shift: the kernel's PAGE_SHIFT. */
static __always_inline bool skb_frag0_read(const struct sk_buff *skb, void *buf, __u32 n, __u32 page_shift)
{
#if defined(__TARGET_ARCH_x86)
	struct skb_shared_info *sh = skb_shinfo_of(skb);
	__u64 page, pob, vmemmap, pfn, size = bpf_core_type_size(struct page);
	__u32 off, len;

	if (!sh || !BPF_CORE_READ(sh, nr_frags) || !skb_frag0(sh, &page, &off, &len) || len < n)
		return false;
	if (!&page_offset_base || !&vmemmap_base || !size ||
	    bpf_probe_read_kernel(&pob, sizeof(pob), &page_offset_base) ||
	    bpf_probe_read_kernel(&vmemmap, sizeof(vmemmap), &vmemmap_base))
		return false;
	if (page < vmemmap || (page - vmemmap) % size)
		return false;
	pfn = (page - vmemmap) / size;
	return !bpf_probe_read_kernel(buf, n, (void *)(pob + (pfn << (page_shift & 31)) + off));
#else
	return false;
#endif
}

#endif
