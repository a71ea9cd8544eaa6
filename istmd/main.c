/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* main.c: istmd's command line, configuration file and process model.
 * The process started by the administrator becomes the privileged parent
 * (parent/parent.c): it opens the listening sockets, then re-executes
 * itself as the unprivileged network child (net/netchild.c) with --role=net.
 * Trade-off: the configuration file takes the long option names as keys,
 * so there is one list of settings and the command line wins. */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nettle/md4.h>

#include "auth/ntlmv2.h"
#include "istmd.h"
#include "log.h"
#include "parent/notify/notify.h"
#include "parent/parent.h"
#include "parent/paths/paths.h"
#include "parent/svc/svc.h"
#include "parent/sync/sync_tgtconf.h"
#include "rpc/ntlmssp.h"

struct settings {
	char *listen;                /* ADDR:PORT of the port 135 endpoint */
	char *state_dir;             /* absolute */
	char *users;                 /* absolute */
	char *roots[PATHS_MAX_ROOTS];/* --storage-root: "C:=/dir" or "/dir", as given */
	size_t nroots;               /* how many */
	int roots_from_cli;          /* the command line named roots: ignore the file's */
	char *tgt_control_port;      /* tgtadm -C N */
	char *tgtadm;                /* tgtadm program */
	char *bstype;                /* tgt backing store type for virtual disks */
	char *vhdfs;                 /* vhdfs program (local mounts of virtual disks) */
	char *tgt_conf;              /* tgt-admin file of the targets, none by default */
	char *exporter_port;         /* object exporter port, 0 = ephemeral */
	char *run_as;                /* the network child's user */
	char *ping_period;           /* DCOM ping period in seconds, for tests */
	char *keytab;                /* Kerberos keytab (parent only), absolute */
	char *principal;             /* Kerberos service principal */
	char *callback_user;         /* [DOMAIN\]user status notification callbacks use */
	char *callback_password_file; /* its password, one line (read as root) */
	char *ntlm_mic;              /* "verify" (default) or "require" the NTLM MIC */
	int foreground;              /* -f */
	int verbose;                 /* -v */
	int test_interface;          /* --test-interface */
};

static void usage(FILE *f)
{
	fprintf(f,
"usage: istmd [-f] [-v] --listen ADDR:PORT --state-dir DIR --users FILE\n"
"             --storage-root [L:=]DIR... [--tgt-control-port N] [--exporter-port N]\n"
"             [--tgtadm PATH] [--bstype NAME] [--vhdfs PATH]\n"
"             [--config FILE] [--run-as USER] [--ping-period N] [--tgt-conf FILE]\n"
"             [--keytab FILE [--principal NAME]]\n"
"             [--callback-user [DOMAIN\\]USER --callback-password-file FILE]\n"
"             [--ntlm-mic verify|require]\n"
"       istmd --nt-hash < password\n"
"       istmd --help | --version\n"
"\n"
"Serve the ISTM management protocol (DCOM over DCE/RPC, NTLMv2, Kerberos).\n"
"\n"
"  -f, --foreground          stay in the foreground, log to standard error\n"
"  -v, --verbose             log debugging messages\n"
"      --listen ADDR:PORT    endpoint mapper / activation address (default 0.0.0.0:135)\n"
"      --exporter-port N     object exporter port on the same address (default 0: any)\n"
"      --state-dir DIR       where the server keeps its state\n"
"      --users FILE          name:NT-hash-hex lines (see --nt-hash)\n"
"      --storage-root [L:=]DIR  a directory virtual disks live under, shown to\n"
"                            clients as drive L: (default: the next free letter\n"
"                            from C:); repeat for several roots\n"
"      --tgt-control-port N  tgtd control port (tgtadm -C N)\n"
"      --tgtadm PATH         tgtadm program (default /usr/sbin/tgtadm)\n"
"      --bstype NAME         tgt backing store of virtual disks (default vhd)\n"
"      --vhdfs PATH          vhdfs program for local mounts (default: installed one)\n"
"      --tgt-conf FILE       keep the targets in FILE for tgt-admin (e.g.\n"
"                            /etc/tgt/conf.d/istmd.conf; default: none)\n"
"      --keytab FILE         accept Kerberos with the keys in FILE (read by the\n"
"                            privileged process only)\n"
"      --principal NAME      Kerberos service principal (default host/<host name>)\n"
"      --callback-user [DOMAIN\\]USER  account status notification callbacks\n"
"                            authenticate as (NTLMv2, packet privacy)\n"
"      --callback-password-file FILE  its password (first line; read as root)\n"
"      --ntlm-mic verify|require  check the MIC of NTLM clients that send one\n"
"                            (default), or also refuse clients that send none\n"
"      --config FILE         read settings (same names as the options) from FILE\n"
"      --run-as USER         user of the network process (default _istmd, else nobody)\n"
"      --ping-period N       DCOM ping period in seconds (default 120; objects are\n"
"                            collected after 3 missed pings)\n"
"      --nt-hash             read a password on standard input, print its NT hash\n"
"  -h, --help                show this help\n"
"  -V, --version             show the version\n");
}

/* An absolute copy of PATH (daemon mode changes directory to /). */
static char *absolute(const char *path)
{
	char cwd[4096], *r;

	if (path[0] == '/')
		return strdup(path);
	if (!getcwd(cwd, sizeof(cwd)))
		return NULL;
	if (asprintf(&r, "%s/%s", cwd, path) < 0)
		return NULL;
	return r;
}

/* --storage-root: keep the letter, make the directory absolute. */
static int add_root(struct settings *s, const char *val, int from_file)
{
	const char *eq = strchr(val, '=');
	char *dir, *spec;

	if (from_file && s->roots_from_cli)
		return 0; /* the command line wins */
	if (!from_file)
		s->roots_from_cli = 1;
	if (s->nroots == PATHS_MAX_ROOTS) {
		fprintf(stderr, "istmd: too many storage roots (at most %d)\n", PATHS_MAX_ROOTS);
		return -E2BIG;
	}
	if (eq && eq - val <= 2 && eq > val) {
		if (!(dir = absolute(eq + 1)))
			return -ENOMEM;
		if (asprintf(&spec, "%.*s=%s", (int)(eq - val), val, dir) < 0)
			spec = NULL;
		free(dir);
	} else {
		spec = absolute(val);
	}
	if (!spec)
		return -ENOMEM;
	s->roots[s->nroots++] = spec;
	return 0;
}

static int set_value(struct settings *s, const char *key, const char *val, int from_file)
{
	struct { const char *key; char **dst; int path; } keys[] = {
		{ "listen", &s->listen, 0 }, { "state-dir", &s->state_dir, 1 },
		{ "users", &s->users, 1 },
		{ "tgt-control-port", &s->tgt_control_port, 0 },
		{ "tgtadm", &s->tgtadm, 1 }, { "bstype", &s->bstype, 0 }, { "vhdfs", &s->vhdfs, 1 },
		{ "exporter-port", &s->exporter_port, 0 }, { "run-as", &s->run_as, 0 },
		{ "ping-period", &s->ping_period, 0 }, { "tgt-conf", &s->tgt_conf, 0 },
		{ "keytab", &s->keytab, 1 }, { "principal", &s->principal, 0 },
		{ "callback-user", &s->callback_user, 0 },
		{ "callback-password-file", &s->callback_password_file, 1 },
		{ "ntlm-mic", &s->ntlm_mic, 0 },
	};
	size_t i;

	if (!strcmp(key, "storage-root"))
		return add_root(s, val, from_file);
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (strcmp(keys[i].key, key))
			continue;
		if (*keys[i].dst && from_file)
			return 0; /* the command line wins */
		free(*keys[i].dst);
		*keys[i].dst = keys[i].path ? absolute(val) : strdup(val);
		return *keys[i].dst ? 0 : -ENOMEM;
	}
	return -ENOENT;
}

static int load_config(struct settings *s, const char *path)
{
	char line[4096];
	unsigned lineno = 0;
	FILE *f = fopen(path, "re");

	if (!f) {
		fprintf(stderr, "istmd: reading config '%s' failed: %s\n", path, strerror(errno));
		return -errno;
	}
	while (fgets(line, sizeof(line), f)) {
		char *k = line, *v, *e;

		lineno++;
		while (*k == ' ' || *k == '\t')
			k++;
		e = k + strlen(k);
		while (e > k && (e[-1] == '\n' || e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t'))
			*--e = 0;
		if (*k == 0 || *k == '#')
			continue;
		v = k + strcspn(k, " \t=");
		if (*v)
			*v++ = 0;
		v += strspn(v, " \t=");
		if (!strcmp(k, "foreground")) {
			s->foreground = 1;
			continue;
		}
		if (!strcmp(k, "verbose")) {
			s->verbose = 1;
			continue;
		}
		if (*v == 0 || set_value(s, k, v, 1) < 0) {
			fprintf(stderr, "istmd: reading config '%s' failed: line %u: unknown setting '%s'\n",
				path, lineno, k);
			fclose(f);
			return -EINVAL;
		}
	}
	fclose(f);
	return 0;
}

static int nt_hash_main(void)
{
	char line[1024];
	struct rpc_buf u = { 0 };
	uint8_t h[16];
	size_t n;
	int i;

	if (!fgets(line, sizeof(line), stdin)) {
		fprintf(stderr, "istmd: reading password failed: no input\n");
		return 1;
	}
	n = strlen(line);
	while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = 0;
	if (ntlmssp_utf8_to_utf16(line, &u) < 0) {
		fprintf(stderr, "istmd: reading password failed: not UTF-8\n");
		return 1;
	}
	ntlm_nt_hash(u.data, u.len, h);
	memset(line, 0, sizeof(line));
	if (u.data)
		memset(u.data, 0, u.len);
	rpc_buf_release(&u);
	for (i = 0; i < 16; i++)
		printf("%02x", h[i]);
	printf("\n");
	return 0;
}

/* The callback account: USER as [DOMAIN\]name, the password the first
 * line of FILE, kept as its NT hash only.  Messages name the file, never
 * its contents. */
static int load_callback_account(const char *user, const char *file, struct ntlm_creds *c)
{
	const char *bs = strchr(user, '\\');
	struct rpc_buf u = { 0 }, d = { 0 }, p = { 0 };
	char line[1024], *dom = NULL;
	size_t n;
	FILE *f;
	int rc = -EINVAL;

	if (!(f = fopen(file, "re"))) {
		fprintf(stderr, "istmd: reading callback password file '%s' failed: %s\n", file,
			strerror(errno));
		return -errno;
	}
	if (!fgets(line, sizeof(line), f))
		line[0] = 0;
	fclose(f);
	n = strlen(line);
	while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = 0;
	if (bs && !(dom = strndup(user, (size_t)(bs - user)))) {
		explicit_bzero(line, sizeof(line));
		return -ENOMEM;
	}
	if (n && ntlmssp_utf8_to_utf16(line, &p) == 0 &&
	    ntlmssp_utf8_to_utf16(bs ? bs + 1 : user, &u) == 0 &&
	    (!dom || ntlmssp_utf8_to_utf16(dom, &d) == 0) &&
	    u.len > 0 && u.len <= sizeof(c->user) && d.len <= sizeof(c->domain)) {
		memcpy(c->user, u.data, u.len);
		c->user_len = (uint32_t)u.len;
		if (d.len)
			memcpy(c->domain, d.data, d.len);
		c->domain_len = (uint32_t)d.len;
		ntlm_nt_hash(p.data, p.len, c->nt_hash);
		rc = 0;
	}
	explicit_bzero(line, sizeof(line));
	if (p.data)
		explicit_bzero(p.data, p.len);
	rpc_buf_release(&p);
	rpc_buf_release(&u);
	rpc_buf_release(&d);
	free(dom);
	if (rc < 0)
		fprintf(stderr, "istmd: bad callback account: '%s' needs a user name and '%s' a "
			"password line (UTF-8)\n", user, file);
	return rc;
}

static int parse_port(const char *s, unsigned *port)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *s == 0 || *end || v > 65535)
		return -EINVAL;
	*port = (unsigned)v;
	return 0;
}

/* Open a listening socket on HOST:PORT. */
static int open_listener(const char *host, unsigned port)
{
	struct addrinfo hints = { .ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV,
				  .ai_socktype = SOCK_STREAM };
	struct addrinfo *ai;
	char ps[8];
	int fd, one = 1, rc;

	snprintf(ps, sizeof(ps), "%u", port);
	rc = getaddrinfo(host, ps, &hints, &ai);
	if (rc) {
		fprintf(stderr, "istmd: listening on '%s' failed: %s\n", host, gai_strerror(rc));
		return -EINVAL;
	}
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0) {
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, 128) < 0) {
			rc = -errno;
			close(fd);
			fd = rc;
		}
	} else {
		fd = -errno;
	}
	if (fd < 0)
		fprintf(stderr, "istmd: listening on '%s' port %u failed: %s\n", host, port,
			strerror(-fd));
	freeaddrinfo(ai);
	return fd;
}

/* Split ADDR:PORT or [ADDR]:PORT. */
static int split_listen(const char *spec, char *host, size_t hsize, unsigned *port)
{
	const char *colon;
	size_t hl;

	if (spec[0] == '[') {
		const char *close = strchr(spec, ']');
		if (!close || close[1] != ':')
			return -EINVAL;
		hl = (size_t)(close - spec - 1);
		spec++;
		colon = close + 1;
	} else {
		colon = strrchr(spec, ':');
		if (!colon)
			return -EINVAL;
		hl = (size_t)(colon - spec);
	}
	if (hl == 0 || hl >= hsize)
		return -EINVAL;
	memcpy(host, spec, hl);
	host[hl] = 0;
	return parse_port(colon + 1, port);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "foreground", no_argument, NULL, 'f' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "listen", required_argument, NULL, 1 },
		{ "state-dir", required_argument, NULL, 2 },
		{ "users", required_argument, NULL, 3 },
		{ "storage-root", required_argument, NULL, 4 },
		{ "tgt-control-port", required_argument, NULL, 5 },
		{ "exporter-port", required_argument, NULL, 6 },
		{ "config", required_argument, NULL, 7 },
		{ "run-as", required_argument, NULL, 8 },
		{ "nt-hash", no_argument, NULL, 9 },
		{ "test-interface", no_argument, NULL, 10 },
		{ "ping-period", required_argument, NULL, 11 },
		{ "tgtadm", required_argument, NULL, 12 },
		{ "bstype", required_argument, NULL, 13 },
		{ "vhdfs", required_argument, NULL, 14 },
		{ "tgt-conf", required_argument, NULL, 15 },
		{ "keytab", required_argument, NULL, 16 },
		{ "principal", required_argument, NULL, 17 },
		{ "callback-user", required_argument, NULL, 18 },
		{ "callback-password-file", required_argument, NULL, 19 },
		{ "ntlm-mic", required_argument, NULL, 20 },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *keys[] = { NULL, "listen", "state-dir", "users", "storage-root",
				      "tgt-control-port", "exporter-port", NULL, "run-as",
				      NULL, NULL, "ping-period", "tgtadm", "bstype", "vhdfs", "tgt-conf",
				      "keytab", "principal", "callback-user", "callback-password-file",
				      "ntlm-mic" };
	struct settings s = { 0 };
	const char *config = NULL;
	char host[256], self[4096], nbuf[16];
	char *child_argv[16], *notify_argv[10];
	struct ntlm_creds creds = { 0 };
	unsigned port, xport = 0, tport = 0, ping;
	int fds[2], c, n, rc;
	struct stat st;
	ssize_t sl;
	size_t i;

	if (argc > 1 && !strcmp(argv[1], "--role=notify"))
		return notifier_main(argc, argv);
	if (argc > 1 && !strncmp(argv[1], "--role=", 7))
		return netchild_main(argc, argv);
	while ((c = getopt_long(argc, argv, "fvhV", opts, NULL)) != -1) {
		switch (c) {
		case 'f': s.foreground = 1; break;
		case 'v': s.verbose = 1; break;
		case 1: case 2: case 3: case 4: case 5: case 6: case 8: case 11:
		case 12: case 13: case 14: case 15: case 16: case 17: case 18: case 19: case 20:
			if (set_value(&s, keys[c], optarg, 0) < 0)
				return 1;
			break;
		case 7: config = optarg; break;
		case 9: return nt_hash_main();
		case 10: s.test_interface = 1; break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("istmd (%s) %s\n", PACKAGE_NAME, PACKAGE_VERSION); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "istmd: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	if (config && load_config(&s, config) < 0)
		return 1;
	if (!s.listen)
		s.listen = strdup("0.0.0.0:135");
	if (!s.state_dir || !s.users || !s.nroots) {
		fprintf(stderr, "istmd: missing setting: --state-dir, --users and --storage-root are required\n");
		return 2;
	}
	if (s.principal && !s.keytab) {
		fprintf(stderr, "istmd: --principal needs --keytab\n");
		return 2;
	}
	if (!s.callback_user != !s.callback_password_file) {
		fprintf(stderr, "istmd: --callback-user and --callback-password-file go together\n");
		return 2;
	}
	if (s.ntlm_mic && strcmp(s.ntlm_mic, "verify") && strcmp(s.ntlm_mic, "require")) {
		fprintf(stderr, "istmd: bad --ntlm-mic '%s': want verify or require\n", s.ntlm_mic);
		return 2;
	}
	if (s.callback_user &&
	    load_callback_account(s.callback_user, s.callback_password_file, &creds) < 0)
		return 1;
	if (split_listen(s.listen, host, sizeof(host), &port) < 0) {
		fprintf(stderr, "istmd: bad listen address '%s': want ADDR:PORT\n", s.listen);
		return 2;
	}
	if ((s.exporter_port && parse_port(s.exporter_port, &xport) < 0) ||
	    (s.tgt_control_port && parse_port(s.tgt_control_port, &tport) < 0) ||
	    (s.ping_period && (parse_port(s.ping_period, &ping) < 0 || ping == 0))) {
		fprintf(stderr, "istmd: bad number in --exporter-port, --tgt-control-port or --ping-period\n");
		return 2;
	}
	for (i = 0; i < s.nroots; i++) {
		const char *dir = strchr(s.roots[i], '=') ? strchr(s.roots[i], '=') + 1 : s.roots[i];

		if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
			fprintf(stderr, "istmd: bad storage root '%s': not a directory\n", dir);
			return 1;
		}
	}
	sl = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (sl < 0) {
		fprintf(stderr, "istmd: finding own executable failed: %s\n", strerror(errno));
		return 1;
	}
	self[sl] = 0;
	if ((fds[0] = open_listener(host, port)) < 0 || (fds[1] = open_listener(host, xport)) < 0)
		return 1;

	n = 0;
	child_argv[n++] = (char *)"istmd";
	child_argv[n++] = (char *)"--role=net";
	snprintf(nbuf, sizeof(nbuf), "--listen-fds=%d", 2);
	child_argv[n++] = nbuf;
	if (asprintf(&child_argv[n++], "--chroot=%s/empty", s.state_dir) < 0 ||
	    asprintf(&child_argv[n++], "--run-as=%s", s.run_as ? s.run_as : "_istmd") < 0)
		fatalx("out of memory");
	if (s.foreground)
		child_argv[n++] = (char *)"-f";
	if (s.verbose)
		child_argv[n++] = (char *)"-v";
	if (s.test_interface)
		child_argv[n++] = (char *)"--test-interface";
	if (s.ntlm_mic && !strcmp(s.ntlm_mic, "require"))
		child_argv[n++] = (char *)"--ntlm-mic=require";
	if (s.ping_period && asprintf(&child_argv[n++], "--ping-period=%s", s.ping_period) < 0)
		fatalx("out of memory");
	child_argv[n] = NULL;
	/* the notifier: the same sandbox directory and user, no sockets */
	notify_argv[0] = child_argv[0];
	notify_argv[1] = (char *)"--role=notify";
	notify_argv[2] = child_argv[3];   /* --chroot= */
	notify_argv[3] = child_argv[4];   /* --run-as= */
	i = 4;
	if (s.foreground)
		notify_argv[i++] = (char *)"-f";
	if (s.verbose)
		notify_argv[i++] = (char *)"-v";
	if (s.ping_period)
		notify_argv[i++] = child_argv[n - 1];  /* --ping-period=, the last one */
	notify_argv[i] = NULL;
	notify_set_credentials(&creds);
	explicit_bzero(&creds, sizeof(creds));

	if (s.tgt_conf && *s.tgt_conf && strcmp(s.tgt_conf, "none") != 0) {
		char *abs_conf = absolute(s.tgt_conf);

		if (!abs_conf)
			fatalx("out of memory");
		sync_tgtconf_set_path(abs_conf);
		free(abs_conf);
	}
	struct svc_conf sc = {
		.state_dir = s.state_dir, .roots = s.roots, .nroots = s.nroots,
		.tgtadm = s.tgtadm, .tgt_control_port = s.tgt_control_port ? (int)tport : -1,
		.bstype = s.bstype, .vhdfs = s.vhdfs,
	};
	struct priv_parent_conf pc = {
		.state_dir = s.state_dir, .users_file = s.users, .self_exe = self,
		.child_argv = child_argv, .listen_fds = fds, .n_listen = 2, .svc = &sc,
		.keytab = s.keytab, .principal = s.principal,
		.notify_argv = notify_argv,
	};
	/* errors in the users file or state directory reach the terminal */
	log_init(1, s.verbose, "istmd");
	if (priv_parent_init(&pc) < 0)
		return 1;
	if (!s.foreground && daemon(0, 0) < 0) {
		log_warn("daemonising failed");
		return 1;
	}
	log_init(s.foreground, s.verbose, "istmd");
	rc = priv_parent_run();
	for (c = 3; c < n; c++)
		if (!strncmp(child_argv[c], "--chroot=", 9) || !strncmp(child_argv[c], "--run-as=", 9) ||
		    !strncmp(child_argv[c], "--ping-period=", 14))
			free(child_argv[c]);
	free(s.listen); free(s.state_dir); free(s.users); free(s.keytab); free(s.principal);
	for (i = 0; i < s.nroots; i++)
		free(s.roots[i]);
	free(s.tgtadm); free(s.bstype); free(s.vhdfs); free(s.tgt_conf);
	free(s.tgt_control_port); free(s.exporter_port); free(s.run_as); free(s.ping_period);
	free(s.callback_user); free(s.callback_password_file); free(s.ntlm_mic);
	return rc < 0 ? 1 : 0;
}
