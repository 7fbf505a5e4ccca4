/* Compiler clone names: which suffixes make a clone, and its base name. */
#include <string.h>
#include "check.h"
#include "ksyms.h"

static const struct { const char *name; size_t base_len; bool cold; } cases[] = {
	{ "finish_task_switch.isra.0", 18, false },
	{ "put_files_struct.part.0", 16, false },
	{ "kmalloc_array_noprof.constprop.0", 20, false },
	{ "tcp_v4_rcv.cold", 10, true },
	{ "foo.cold.12", 3, true },
	{ "foo.part.0.cold", 3, true },
	{ "foo.constprop.0.isra.0", 3, false },
	{ "foo.isra.0.part.1.cold", 3, true },
	{ "bar.llvm.15593740893811289117", 3, false },
	{ "bar.llvm.9f3a", 3, false },
	{ "baz.lto_priv.0", 3, false },
	{ "qux.localalias", 3, false },
	/* not clones */
	{ "vfs_read", 0, false },
	{ "foo.isra", 3, false },	/* number optional: gcc never omits it, accepting it is harmless */
	{ "foo.bar.0", 0, false },
	{ "foo.0", 0, false },
	{ ".isra.0", 0, false },
	{ "_sub_I_00099_0", 0, false },
	{ "foo.cold_path", 0, false },
	{ "foo.part.0.x", 0, false },
	{ "foo.isra.0.0", 0, false },
	{ NULL }
};

int main(void)
{
	char name[96];

	for (int i = 0; cases[i].name; i++) {
		size_t got = ksym_clone_base_len(cases[i].name);
		bool cold = ksym_is_cold_part(cases[i].name);

		snprintf(name, sizeof(name), "clone_base_len %s", cases[i].name);
		CHECK(got == cases[i].base_len, name, "base length %zu, want %zu", got, cases[i].base_len);
		snprintf(name, sizeof(name), "clone_cold %s", cases[i].name);
		CHECK(cold == cases[i].cold, name, "cold %d, want %d", cold, cases[i].cold);
	}
	CHECK_DONE();
}
