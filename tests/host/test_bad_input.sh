#!/usr/bin/env bash
# gen refuses bad input and unsafe situations with exactly one line (the error,
# no notice before it) that names the fix, a non-zero exit, and nothing left
# attached or pinned. Every case has its own rst-<case>-$$-a/b namespaces;
# the host's interfaces are never used.
set -u
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/gen.sh"
[[ $EUID -eq 0 ]] || { echo "FAIL: test_bad_input: must run as root"; exit 1; }
ensure_fs

c=rst-noif-$$
veth_pair "$c"
refused bad_unknown_interface "no interface 'rst-nope'.*ip link" "$c-b" b0 \
	"$RS" gen rx -i rst-nope --netns "$c-b" -d 1
pair_down "$c"

c=rst-queue-$$
veth_pair "$c"
refused bad_queue_out_of_range "queue 5 is out of range.*1 queue.*use 0\.\.0" "$c-b" b0 \
	"$RS" gen rx -i b0 --netns "$c-b" -q 5 -d 1
refused bad_queue_out_of_range_tx "queue 5 is out of range.*use 0\.\.0" "$c-a" a0 \
	"$RS" gen tx -i a0 --netns "$c-a" -q 5 -n 10
pair_down "$c"

c=rst-frame-$$
veth_pair "$c"
for fs in 3000 1024; do
	refused bad_frame_size_$fs "frame-size $fs: must be a power of two, 2048 or 4096" "$c-b" b0 \
		"$RS" gen rx -i b0 --netns "$c-b" --frame-size $fs -d 1
done
refused bad_packet_larger_than_frame "size 3000: .*64\.\.2048.*raise --frame-size" "$c-a" a0 \
	"$RS" gen tx -i a0 --netns "$c-a" -s 3000 -n 10
pair_down "$c"

c=rst-zc-$$
veth_pair "$c"
refused bad_zerocopy_forced "zero-copy.*use --bind copy or auto" "$c-b" b0 \
	"$RS" gen rx -i b0 --netns "$c-b" --bind zc -d 1
refused bad_zerocopy_forced_tx "zero-copy.*use --bind copy or auto" "$c-a" a0 \
	"$RS" gen tx -i a0 --netns "$c-a" --bind zc -n 10
pair_down "$c"

c=rst-noroot-$$
veth_pair "$c"
refused bad_not_root "need root.*sudo" "$c-b" b0 \
	setpriv --reuid=nobody --regid=nogroup --clear-groups "$RS" gen rx -i b0 --netns "$c-b" -d 1
pair_down "$c"

# bpffs unmounted only inside a private mount namespace: the host keeps it.
c=rst-nobpffs-$$
veth_pair "$c"
refused bad_no_bpffs "mount -t bpf bpf /sys/fs/bpf.*--no-pin" "$c-b" b0 \
	unshare -m --propagation private bash -c \
	'while mountpoint -q /sys/fs/bpf; do umount /sys/fs/bpf || exit 99; done; exec "$@"' - \
	"$RS" gen rx -i b0 --netns "$c-b" -d 1
check bad_no_bpffs_host_keeps_bpffs "/sys/fs/bpf is no longer mounted on the host" mountpoint -q /sys/fs/bpf
pair_down "$c"

# A foreign XDP program (attached with ip-link, generic mode) is refused with
# the --replace hint and stays in place.
c=rst-foreign-$$
veth_pair "$c"
cat >"$tmp/foreign.c" <<'EOF'
struct xdp_md;
__attribute__((section("xdp"), used)) int rst_foreign(struct xdp_md *ctx) { return 2; /* XDP_PASS */ }
char _license[] __attribute__((section("license"), used)) = "GPL";
EOF
if clang -O2 -g -target bpf -c "$tmp/foreign.c" -o "$tmp/foreign.o" &&
	ip -n "$c-b" link set dev b0 xdpgeneric obj "$tmp/foreign.o" sec xdp && id=$(xdp_id "$c-b" b0) && [[ -n $id ]]; then
	expect_xdp=$id refused bad_foreign_xdp "already has XDP program $id \(rst_foreign\).*xdpgeneric off.*--replace" \
		"$c-b" b0 "$RS" gen rx -i b0 --netns "$c-b" -d 1
	# The hint's command really detaches it.
	ip -n "$c-b" link set dev b0 xdpgeneric off
	check bad_foreign_hint_works "still attached after the hinted command" no_xdp "$c-b" b0
else
	fail bad_foreign_xdp "cannot attach a foreign XDP program with ip-link"
fi
pair_down "$c"

# The interface that carries the default route is refused without --force.
c=rst-defroute-$$
veth_pair "$c"
ip -n "$c-b" route add default dev b0
refused bad_default_route_rx "b0 carries the default route.*--force" "$c-b" b0 \
	"$RS" gen rx -i b0 --netns "$c-b" -d 1
ip -n "$c-a" route add default dev a0
refused bad_default_route_tx "a0 carries the default route.*--force" "$c-a" a0 \
	"$RS" gen tx -i a0 --netns "$c-a" -n 10
pair_down "$c"

# A MAC octet above ff was truncated (100 -> 00) and accepted.
refused bad_dst_mac_octet "dst-mac '100:0:0:0:0:1': use six hex octets 00\.\.ff" - - \
	"$RS" gen tx -i a0 -n 10 --dst-mac 100:0:0:0:0:1

finish
