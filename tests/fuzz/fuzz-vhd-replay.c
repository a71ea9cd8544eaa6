/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* fuzz-vhd-replay.c: a main() for the VHD fuzz harness built without
 * libFuzzer: feeds every file named on the command line (directories are
 * walked one level deep) to LLVMFuzzerTestOneInput, so make check replays
 * the corpus with the normal compiler (and the sanitizers, when
 * configured).  Whole files only: the every-prefix replay of
 * fuzz-replay.c would open each image thousands of times. */
#include "config.h"

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
	long n;

	if (!f)
		return perror(path), 1;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc(n > 0 ? (size_t)n : 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n)
		return fprintf(stderr, "%s: cannot read\n", path), fclose(f), free(buf), 1;
	fclose(f);
	LLVMFuzzerTestOneInput(buf, (size_t)n);
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	int files = 0, bad = 0;

	for (int i = 1; i < argc; i++) {
		struct stat st;

		if (stat(argv[i], &st) < 0)
			return perror(argv[i]), 1;
		if (S_ISDIR(st.st_mode)) {
			DIR *d = opendir(argv[i]);
			struct dirent *e;
			char p[4096];

			while (d && (e = readdir(d))) {
				if (e->d_name[0] == '.')
					continue;
				snprintf(p, sizeof(p), "%s/%s", argv[i], e->d_name);
				bad |= run_file(p);
				files++;
			}
			if (d)
				closedir(d);
		} else {
			bad |= run_file(argv[i]);
			files++;
		}
	}
	printf("replayed %d inputs\n", files);
	return bad || files == 0;
}
