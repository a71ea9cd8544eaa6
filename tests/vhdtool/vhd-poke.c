/* vhd-poke.c: test helper, writes the bytes of a file into a VHD chain at
 * a byte offset through libvhd (vhd_chain_pwrite + vhd_chain_flush).
 *
 * The tests need to put data into differencing disks, which neither qemu
 * nor vhdtool's convert can do; this is the smallest program that can.
 * usage: vhd-poke VHD OFFSET SRC   (SRC's whole content, any alignment)
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vhd.h"

int main(int argc, char **argv)
{
	struct stat st;
	vhd_chain *chain;
	char *buf, *end;
	unsigned long long off;
	ssize_t n;
	int fd, r;

	if (argc != 4) {
		fprintf(stderr, "usage: vhd-poke VHD OFFSET SRC\n");
		return 2;
	}
	errno = 0;
	off = strtoull(argv[2], &end, 0);
	if (errno || *end || end == argv[2]) {
		fprintf(stderr, "vhd-poke: bad offset '%s'\n", argv[2]);
		return 2;
	}
	fd = open(argv[3], O_RDONLY);
	if (fd < 0 || fstat(fd, &st) < 0) {
		fprintf(stderr, "vhd-poke: cannot open '%s': %s\n", argv[3], strerror(errno));
		return 1;
	}
	buf = malloc(st.st_size ? (size_t)st.st_size : 1);
	if (!buf)
		return 1;
	n = read(fd, buf, (size_t)st.st_size);
	if (n != st.st_size) {
		fprintf(stderr, "vhd-poke: short read from '%s'\n", argv[3]);
		return 1;
	}
	close(fd);
	r = vhd_chain_open(argv[1], 0, &chain);
	if (r < 0) {
		fprintf(stderr, "vhd-poke: %s\n", vhd_errmsg());
		return 1;
	}
	r = vhd_chain_pwrite(chain, buf, (size_t)n, off);
	if (r == 0)
		r = vhd_chain_flush(chain);
	if (r < 0)
		fprintf(stderr, "vhd-poke: %s\n", vhd_errmsg());
	vhd_chain_close(chain);
	free(buf);
	return r < 0 ? 1 : 0;
}
