/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* fuzz-replay.c: runs a libFuzzer harness over corpus files without
 * libFuzzer (make check with gcc): every file, and every prefix of it
 * (truncated PDUs are the commonest hostile input).  Usage:
 * fuzz-X-replay FILE|DIR... */
#include <config.h>

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long len;
	size_t n, i;

	if (!f) {
		perror(path);
		return 1;
	}
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc(len > 0 ? (size_t)len : 1);
	n = fread(buf, 1, (size_t)(len > 0 ? len : 0), f);
	fclose(f);
	for (i = 0; i <= n; i++) {
		/* a fresh copy so that reads past the end are caught by ASan */
		uint8_t *copy = malloc(i ? i : 1);
		memcpy(copy, buf, i);
		LLVMFuzzerTestOneInput(copy, i);
		free(copy);
	}
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	int i, rc = 0, files = 0;

	for (i = 1; i < argc; i++) {
		struct stat st;
		DIR *d;
		struct dirent *e;

		if (stat(argv[i], &st) < 0) {
			perror(argv[i]);
			return 1;
		}
		if (!S_ISDIR(st.st_mode)) {
			rc |= run_file(argv[i]);
			files++;
			continue;
		}
		d = opendir(argv[i]);
		while (d && (e = readdir(d))) {
			char path[4096];
			if (e->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s", argv[i], e->d_name);
			rc |= run_file(path);
			files++;
		}
		if (d)
			closedir(d);
	}
	printf("replayed %d corpus files\n", files);
	return rc || files == 0;
}
