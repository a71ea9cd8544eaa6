/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* test-istmd-paths-fuzz.c: random client paths built from hostile pieces
 * (separators, "..", drive letters, device prefixes, bad characters,
 * overlong UTF-8, the roots' own POSIX paths, symlinks out) through the
 * sandbox, checking its invariants rather than single answers:
 *   - a parse either fails with E_INVALIDARG / E_ACCESSDENIED errnos or
 *     gives a configured root and a clean relative path (no "", ".", ".."
 *     components, no backslash, no leading '/', every name acceptable);
 *   - a file resolved from it is inside that root, never the secret file
 *     outside.
 * Deterministic: FUZZ_SEED and FUZZ_ITERATIONS as in test-istmd-tgt-fuzz.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/checkrun.h"
#include "parent/paths/paths.h"

static uint64_t rng;

static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return n ? (uint32_t)(rng % n) : 0;
}

START_TEST(test_random_paths)
{
	static const char *const pieces[] = {
		"\\", "/", "\\\\", "//", "..", ".", "...", "C:", "D:", "d:", "E:", "Z:", "\\\\?\\",
		"\\\\.\\", "\\??\\", "a", "b.vhd", "dir", "link_out", "link_in", "con", "nul.vhd",
		" ", ",", ":", "?", "*", "\x01", "\xc0\xaf", "\xe2\x82\xac", "\xff", "%ROOT%",
		"%OTHER%", "%TMP%", "outside", "secret.vhd", "\0",
	};
	const char *e = getenv("FUZZ_ITERATIONS");
	long iterations = e ? atol(e) : 20000, accepted = 0, resolved = 0;
	char tmp[256], root[512], other[512], secret[600], path[1200];
	char in[8192], abs[4096];
	struct paths p;

	snprintf(tmp, sizeof(tmp), "%s/istmd-pfuzz-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(tmp));
	snprintf(root, sizeof(root), "%s/root", tmp);
	snprintf(other, sizeof(other), "%s/other", tmp);
	ck_assert_int_eq(mkdir(root, 0755), 0);
	ck_assert_int_eq(mkdir(other, 0755), 0);
	snprintf(path, sizeof(path), "%s/outside", tmp);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	snprintf(secret, sizeof(secret), "%s/outside/secret.vhd", tmp);
	fclose(fopen(secret, "w"));
	snprintf(path, sizeof(path), "%s/dir", root);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/dir/b.vhd", root);
	fclose(fopen(path, "w"));
	snprintf(path, sizeof(path), "%s/b.vhd", root);
	fclose(fopen(path, "w"));
	snprintf(path, sizeof(path), "%s/link_out", root);
	ck_assert_int_eq(symlink(secret, path), 0);
	snprintf(path, sizeof(path), "%s/dir/link_out", root);
	ck_assert_int_eq(symlink("../../outside/secret.vhd", path), 0);
	snprintf(path, sizeof(path), "%s/link_in", root);
	ck_assert_int_eq(symlink("dir", path), 0);

	paths_init(&p);
	snprintf(path, sizeof(path), "D:=%s", root);
	ck_assert_int_eq(paths_add_root(&p, path), 0);
	snprintf(path, sizeof(path), "E:=%s", other);
	ck_assert_int_eq(paths_add_root(&p, path), 0);

	rng = getenv("FUZZ_SEED") ? strtoull(getenv("FUZZ_SEED"), NULL, 0) : 0x9a7e5ull;
	printf("seed 0x%llx, %ld iterations\n", (unsigned long long)rng, iterations);
	for (long i = 0; i < iterations; i++) {
		size_t len = 0;
		int n = 1 + (int)rnd(10), err;
		struct paths_loc loc;

		/* half start like a real drive path, to get past the first checks */
		if (rnd(2)) {
			memcpy(in, "D:\\", 3);
			len = 3;
		}
		for (int k = 0; k < n; k++) {
			const char *pc = pieces[rnd(sizeof(pieces) / sizeof(pieces[0]))];
			size_t pl;

			if (!strcmp(pc, "%ROOT%"))
				pc = root;
			else if (!strcmp(pc, "%OTHER%"))
				pc = other;
			else if (!strcmp(pc, "%TMP%"))
				pc = tmp;
			pl = *pc ? strlen(pc) : 1;
			if (len + pl >= sizeof(in))
				break;
			memcpy(in + len, pc, pl);
			len += pl;
		}
		in[len] = '\0';
		err = paths_parse(&p, in, len, &loc);
		ck_assert_msg(err == 0 || err == -EINVAL || err == -EACCES || err == -EILSEQ ||
			      err == -ENAMETOOLONG, "iteration %ld: %d", i, err);
		if (err < 0) {
			hresult hr = paths_hresult(err);

			ck_assert(hr == E_INVALIDARG || hr == E_ACCESSDENIED);
			continue;
		}
		accepted++;
		ck_assert(loc.root && (loc.root->letter == 'D' || loc.root->letter == 'E'));
		ck_assert(loc.rel[0] != '/' && !strchr(loc.rel, '\\'));
		for (const char *c = loc.rel; *c;) {
			const char *end = strchr(c, '/');
			size_t cl = end ? (size_t)(end - c) : strlen(c);

			ck_assert_msg(cl > 0 && !(cl == 1 && c[0] == '.') &&
				      !(cl == 2 && c[0] == '.' && c[1] == '.'),
				      "iteration %ld: bad component in '%s'", i, loc.rel);
			for (size_t k = 0; k < cl; k++)
				ck_assert_msg((unsigned char)c[k] >= 0x20 && !strchr("<>:\"|?*,", c[k]),
					      "iteration %ld: bad character in '%s'", i, loc.rel);
			c += cl + (end ? 1 : 0);
		}
		err = paths_resolve_file(&p, in, len, abs, sizeof(abs));
		if (err == 0) {
			const char *dir = loc.root->dir;

			resolved++;
			ck_assert_msg(strncmp(abs, dir, strlen(dir)) == 0 && abs[strlen(dir)] == '/',
				      "iteration %ld: '%s' resolved outside its root: %s", i, in, abs);
			ck_assert_str_ne(abs, secret);
		}
	}
	printf("%ld accepted, %ld resolved to files\n", accepted, resolved);
	ck_assert_int_gt(accepted, iterations / 50);
	ck_assert_int_gt(resolved, 0);
	paths_release(&p);
	snprintf(path, sizeof(path), "rm -rf '%s'", tmp);
	ck_assert_int_eq(system(path), 0);
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("fuzz");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_random_paths);
	return check_run("istmd-paths-fuzz", tc);
}
