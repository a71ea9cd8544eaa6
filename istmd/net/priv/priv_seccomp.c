/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* priv_seccomp.c: the network child's system call allowlist (Linux's
 * answer to pledge("stdio inet")), installed last in its sandbox: sockets
 * it already has (read, write, accept, poll), memory, signals, time,
 * randomness, exit; setsockopt only for TCP_QUICKACK (the filter checks
 * its level and option name).  Nothing that names a file, makes a socket,
 * starts a process or changes credentials.
 *
 * Trade-off: a call outside the list fails with EACCES instead of killing
 * the process, so a libc path we did not foresee (stdio probing stderr,
 * syslog reconnecting) degrades instead of taking the service down; the
 * calls an attacker wants (execve, open, socket, connect, ptrace) fail all
 * the same.  A foreign architecture or x32 call kills the process.
 *
 * The notifier (istmd/notify/) gets the same list plus what a client
 * needs: socket() of AF_INET/AF_INET6 only, connect(), getsockopt(). */
#include <config.h>

#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include "log.h"
#include "net/priv/priv.h"

#if defined(__x86_64__)
#define SECCOMP_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define SECCOMP_ARCH AUDIT_ARCH_AARCH64
#endif

/* Offset of the low 32 bits of system call argument N (little-endian:
 * the architectures above). */
#define ARG_LO(n) (offsetof(struct seccomp_data, args) + (n) * sizeof(__u64))

#define ALLOW(nr) \
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 1), \
	BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)

#ifdef SECCOMP_ARCH
#ifdef __x86_64__
#define NO_X32 \
		BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000u, 0, 1), \
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
#else
#define NO_X32
#endif
#ifdef SYS_poll
#define ALLOW_POLL ALLOW(SYS_poll),
#else
#define ALLOW_POLL
#endif
#define DENY BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (EACCES & SECCOMP_RET_DATA))
/* The check of the architecture and the shared allowlist, up to the
 * final DENY: the system call number stays in the accumulator. */
#define FILTER_HEAD \
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)), \
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SECCOMP_ARCH, 1, 0), \
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS), \
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)), \
		NO_X32 \
		ALLOW(SYS_read), ALLOW(SYS_write), ALLOW(SYS_readv), ALLOW(SYS_writev), \
		ALLOW(SYS_close), ALLOW(SYS_lseek), ALLOW(SYS_fstat), ALLOW(SYS_newfstatat), \
		ALLOW(SYS_ioctl), ALLOW(SYS_fcntl), \
		ALLOW(SYS_accept4), ALLOW(SYS_accept), ALLOW(SYS_recvfrom), ALLOW(SYS_recvmsg), \
		ALLOW(SYS_sendto), ALLOW(SYS_sendmsg), ALLOW(SYS_getsockname), \
		ALLOW(SYS_getpeername), ALLOW(SYS_shutdown), ALLOW(SYS_ppoll), \
		ALLOW_POLL \
		ALLOW(SYS_mmap), ALLOW(SYS_munmap), ALLOW(SYS_mremap), ALLOW(SYS_brk), \
		ALLOW(SYS_madvise), ALLOW(SYS_mprotect), \
		ALLOW(SYS_rt_sigaction), ALLOW(SYS_rt_sigprocmask), ALLOW(SYS_rt_sigreturn), \
		ALLOW(SYS_restart_syscall), ALLOW(SYS_sigaltstack), ALLOW(SYS_getpid), \
		ALLOW(SYS_gettid), ALLOW(SYS_tgkill), ALLOW(SYS_futex), \
		ALLOW(SYS_clock_gettime), ALLOW(SYS_clock_nanosleep), ALLOW(SYS_gettimeofday), \
		ALLOW(SYS_getrandom), ALLOW(SYS_exit), ALLOW(SYS_exit_group)

/* setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, ...) and no other option
 * (rpc_server.c): level and name are ints, so the low half of each 64-bit
 * argument is what the kernel reads.  Every setsockopt ends here; any
 * other call jumps over with its number still in the accumulator. */
#define QUICKACK_ONLY \
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_setsockopt, 0, 6), \
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG_LO(1)), \
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_TCP, 0, 2), \
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG_LO(2)), \
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, TCP_QUICKACK, 1, 0), \
		DENY, \
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)

static int install(struct sock_filter *filter, unsigned short len)
{
	struct sock_fprog prog = { len, filter };

	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) < 0) {
		log_warn("installing the system call filter failed");
		return -errno;
	}
	return 0;
}
#endif

int priv_child_seccomp_outbound(void)
{
#ifdef SECCOMP_ARCH
	static struct sock_filter filter[] = {
		FILTER_HEAD,
		QUICKACK_ONLY,
		/* socket(AF_INET or AF_INET6, ...) only */
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_socket, 0, 5),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_INET, 2, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_INET6, 1, 0),
		DENY,
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		ALLOW(SYS_connect), ALLOW(SYS_getsockopt),
		DENY,
	};

	return install(filter, sizeof(filter) / sizeof(filter[0]));
#else
	log_warnx("no system call filter for this architecture");
	return 0;
#endif
}

int priv_child_seccomp(void)
{
#ifdef SECCOMP_ARCH
	static struct sock_filter filter[] = {
		FILTER_HEAD,
		QUICKACK_ONLY,
		DENY,
	};

	return install(filter, sizeof(filter) / sizeof(filter[0]));
#else
	log_warnx("no system call filter for this architecture");
	return 0;
#endif
}
