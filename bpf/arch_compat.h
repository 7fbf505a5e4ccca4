/* The committed vmlinux.h is x86_64's. BPF objects built for arm64 guests
 * (-D__TARGET_ARCH_arm64) read kprobe registers through struct user_pt_regs,
 * which only arm64's BTF has: declare its (stable, UAPI) layout here. */
#ifndef RS_ARCH_COMPAT_H
#define RS_ARCH_COMPAT_H

#if defined(__TARGET_ARCH_arm64)
struct user_pt_regs {
	__u64 regs[31];
	__u64 sp;
	__u64 pc;
	__u64 pstate;
};
#endif

#endif
