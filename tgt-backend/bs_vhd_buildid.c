/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* bs_vhd_buildid.c: refuse to register inside a tgtd other than the one
 * bs_vhd was compiled for.
 *
 * tgt has no module ABI: the module reads struct scsi_lu and friends with the
 * layout of the headers it was built with, so a module left behind after a
 * tgt upgrade would corrupt memory instead of failing.  The build records
 * the GNU build-id of the installed tgtd (tgt-build-id.h); here the running
 * executable's build-id is read from its own program headers and compared.
 * On a mismatch the module logs why and does not register, so
 * `--bstype vhd` fails cleanly until bs_vhd is rebuilt.  The trade-off: any
 * rebuild of tgtd, even one that keeps the layout, requires rebuilding
 * bs_vhd; that is the safe side.
 *
 * Licence: GPL-2.0-or-later.
 */
#include "config.h"

#include <elf.h>
#include <link.h>
#include <stdio.h>
#include <string.h>

#include "bs_vhd.h"
#include "tgt-build-id.h"

struct buildid_search {
	char hex[2 * 64 + 1];   /* the build-id found, as lowercase hex */
	int done;               /* the main program has been looked at */
};

static int note_scan(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct buildid_search *s = arg;

	(void)size;
	if (s->done)
		return 1;
	s->done = 1; /* the first object dl_iterate_phdr reports is the program */
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		const unsigned char *p, *end;

		if (ph->p_type != PT_NOTE)
			continue;
		p = (const unsigned char *)(info->dlpi_addr + ph->p_vaddr);
		end = p + ph->p_memsz;
		while (p + sizeof(ElfW(Nhdr)) <= end) {
			const ElfW(Nhdr) *nh = (const ElfW(Nhdr) *)p;
			const unsigned char *name = p + sizeof(*nh);
			const unsigned char *desc = name + ((nh->n_namesz + 3) & ~3u);

			if (desc + nh->n_descsz > end)
				break;
			if (nh->n_type == NT_GNU_BUILD_ID && nh->n_namesz == 4 &&
			    !memcmp(name, "GNU", 4) && nh->n_descsz <= 64) {
				for (unsigned j = 0; j < nh->n_descsz; j++)
					snprintf(s->hex + 2 * j, 3, "%02x", desc[j]);
				return 1;
			}
			p = desc + ((nh->n_descsz + 3) & ~3u);
		}
	}
	return 1;
}

int bs_vhd_tgtd_matches(void)
{
	struct buildid_search s = { .hex = "", .done = 0 };

	if (!*TGTD_BUILD_ID)
		return 1; /* the build found no build-id to compare against */
	dl_iterate_phdr(note_scan, &s);
	if (!strcmp(s.hex, TGTD_BUILD_ID))
		return 1;
	eprintf("bs_vhd: not registering backing store vhd: built for tgtd %s "
		"(build-id %s) but this tgtd has build-id %s; rebuild bs_vhd "
		"against this tgt\n", TGT_BUILT_VERSION, TGTD_BUILD_ID,
		*s.hex ? s.hex : "(none)");
	return 0;
}
