/* SPDX-License-Identifier: MIT */
/*
 * xlate-diff EXPRS PCAP... - skbrec's classic-to-eBPF filter translation
 * against libpcap's own interpreter, packet by packet.
 *
 * Every expression of the file EXPRS (one per line) goes through the code
 * skbrec uses (filter_build: pcap_compile for Ethernet and raw IP,
 * xlate_cbpf, the two variants joined), wrapped in a BPF_PROG_TYPE_SYSCALL
 * program that the real kernel verifies, JITs and runs with
 * BPF_PROG_TEST_RUN, the packet in the context.  Each packet of the pcaps,
 * its truncations and random byte strings go through it and through
 * pcap_offline_filter() with the same bytes, captured and wire lengths;
 * the answers must agree, for the Ethernet variant on the frame and for
 * the raw-IP one on the frame's IP packet.  Both also on the packet cut
 * to the bytes the expression can load at most (cbpf_need, what skbrec
 * copies before it filters): libpcap's answer there must be its answer on
 * the whole packet.  And on shorter cuts (skbrec's first try covers only
 * the linear bytes), the translation must answer as on the whole packet or
 * say it loaded past the bytes (2).
 *
 * Prints a line per disagreement (at most 20) and a summary; exit 0 when
 * all agree, 1 otherwise, 77 when the kernel cannot run syscall programs.
 */
#include "../../cmd/skbrec/skbrec.h"
#include "xlate-load.h"

#include <bpf/bpf.h>
#include <errno.h>
#include <linux/bpf.h>
#include <pcap/dlt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAXLEN 2048     /* bytes the translated program may see */

struct ctx {
	uint32_t caplen, wirelen, l2, pad;
	uint8_t data[MAXLEN];
};

struct pkt {
	uint8_t *b;
	uint32_t caplen, wirelen;
};

/* xlate-diff-pcap.c */
int load_pcap_packets(const char *path, void (*add)(const uint8_t *b, uint32_t caplen,
						     uint32_t wirelen));
void *pcap_side_compile(const char *expr, int dlt);
int pcap_side_match(void *prog, const uint8_t *b, uint32_t caplen, uint32_t wirelen);
void pcap_side_free(void *prog);

static struct pkt *pkts;
static size_t npkts, cappkts;

static void add(const uint8_t *b, uint32_t caplen, uint32_t wirelen)
{
	if (npkts == cappkts) {
		cappkts = cappkts ? cappkts * 2 : 1024;
		pkts = realloc(pkts, cappkts * sizeof(*pkts));
		if (!pkts)
			exit(2);
	}
	pkts[npkts].b = malloc(caplen ? caplen : 1);
	if (!pkts[npkts].b)
		exit(2);
	memcpy(pkts[npkts].b, b, caplen);
	pkts[npkts].caplen = caplen;
	pkts[npkts].wirelen = wirelen;
	npkts++;
}

/* Each frame whole, then cut at header boundaries and in half. */
static void add_cuts(const uint8_t *d, uint32_t caplen, uint32_t wirelen)
{
	static const uint32_t cuts[] = { 0, 1, 13, 14, 15, 20, 33, 34, 38, 54, 58, 60 };
	uint32_t n = caplen < MAXLEN ? caplen : MAXLEN;

	add(d, n, wirelen);
	for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++)
		if (cuts[i] < n)
			add(d, cuts[i], wirelen);
	add(d, n / 2, wirelen);
}

/* Random bytes, some shaped like Ethernet + IPv4/IPv6 to get deeper. */
static void add_random(unsigned n)
{
	uint8_t b[400];
	uint32_t s = 12345;

	for (unsigned i = 0; i < n; i++) {
		uint32_t len = 0;

		s = s * 1103515245 + 12345;
		len = (s >> 8) % sizeof(b);
		for (uint32_t j = 0; j < len; j++) {
			s = s * 1103515245 + 12345;
			b[j] = (uint8_t)(s >> 16);
		}
		if (len > 34 && i % 3 == 0) {
			b[12] = 0x08, b[13] = 0x00, b[14] = 0x45;
			b[23] = (uint8_t[]){ 1, 6, 17 }[i % 9 / 3];
		} else if (len > 54 && i % 3 == 1) {
			b[12] = 0x86, b[13] = 0xdd, b[14] = 0x60;
			b[20] = (uint8_t[]){ 58, 6, 17 }[i % 9 / 3];
		}
		add(b, len, len + (i % 4 == 0 ? 100 : 0));
	}
}

static int load_prog(int map_fd, const struct rec_filter *f)
{
	static char log[1 << 20];
	int fd = xlate_load(map_fd, f->insns, f->n, MAXLEN, log, sizeof(log));

	if (fd < 0 && errno != EINVAL && errno != EPERM && errno != EOPNOTSUPP)
		fprintf(stderr, "%s\n", log);
	if (fd < 0 && getenv("XLATE_DIFF_LOG"))
		fprintf(stderr, "%s\n", log);
	return fd;
}

/* The translation's answer: 1 match, 0 no match, 2 no match because a load
 * went past the bytes given; -1 the run failed. */
static int kernel_run(int fd, const struct pkt *p, uint32_t skip, uint32_t l2)
{
	static struct ctx c;
	LIBBPF_OPTS(bpf_test_run_opts, o, .ctx_in = &c, .ctx_size_in = sizeof(c));

	memset(&c, 0, sizeof(c));
	c.caplen = p->caplen - skip;
	c.wirelen = p->wirelen - skip;
	c.l2 = l2;
	memcpy(c.data, p->b + skip, c.caplen);
	if (bpf_prog_test_run_opts(fd, &o))
		return -1;
	return (int)o.retval;
}

static int kernel_match(int fd, const struct pkt *p, uint32_t skip, uint32_t l2)
{
	int r = kernel_run(fd, p, skip, l2);

	return r < 0 ? -1 : r == 1;
}


/*
 * xlate-diff --cbpf FILE...: raw classic programs (8 bytes an instruction,
 * as fuzz-xlate reads them; the inputs fuzzing found): each must be refused
 * with a reason or be accepted by the verifier.  0 all did, 1 otherwise.
 */
static int cbpf_files(int map_fd, int n, char **files)
{
	static char log[1 << 20];
	int rc = 0;

	for (int i = 0; i < n; i++) {
		static struct cbpf_insn prog[BPF_MAXINSNS + 1];
		struct bpf_insn *out = NULL;
		size_t nout = 0, ni;
		char err[256] = "";
		FILE *f = fopen(files[i], "rb");
		int fd;

		if (!f) {
			fprintf(stderr, "%s: %s\n", files[i], strerror(errno));
			return 2;
		}
		ni = fread(prog, sizeof(prog[0]), BPF_MAXINSNS + 1, f);
		fclose(f);
		if (xlate_cbpf(prog, ni, MAXLEN, &out, &nout, err, sizeof(err))) {
			printf("%s: refused: %s\n", files[i], err);
			if (!*err)
				rc = 1;
			continue;
		}
		fd = xlate_load(map_fd, out, nout, MAXLEN, log, sizeof(log));
		if (fd < 0) {
			printf("%s: the verifier refuses the translation: %s\n%s\n", files[i],
			       strerror(errno), log);
			rc = 1;
		} else {
			printf("%s: verified (%zu instructions)\n", files[i], nout);
			close(fd);
		}
		free(out);
	}
	return rc;
}

int main(int argc, char **argv)
{
	char line[512];
	unsigned exprs = 0, refused = 0, runs = 0, cuts = 0, prefixes = 0, decided = 0, bad = 0;
	FILE *ef;
	int map_fd;

	if (argc >= 2 && !strcmp(argv[1], "--cbpf")) {
		map_fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "xlate", 4, 2 * MAXLEN + 64, 1, NULL);
		if (map_fd < 0) {
			fprintf(stderr, "xlate-diff: cannot create a map: %s\n", strerror(errno));
			return 77;
		}
		return cbpf_files(map_fd, argc - 2, argv + 2);
	}
	if (argc < 3) {
		fprintf(stderr, "usage: xlate-diff EXPRS PCAP... | xlate-diff --cbpf FILE...\n");
		return 2;
	}
	for (int i = 2; i < argc; i++)
		if (load_pcap_packets(argv[i], add_cuts))
			return 2;
	add_random(2000);
	map_fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "xlate", 4, 2 * MAXLEN + 64, 1, NULL);
	if (map_fd < 0) {
		fprintf(stderr, "xlate-diff: cannot create a map: %s\n", strerror(errno));
		return 77;
	}
	ef = fopen(argv[1], "r");
	if (!ef)
		return 2;
	while (fgets(line, sizeof(line), ef)) {
		struct rec_filter f;
		void *pe, *pr;
		int fd;

		line[strcspn(line, "\n")] = 0;
		if (!*line || *line == '#')
			continue;
		exprs++;
		if (filter_build(line, MAXLEN, &f)) {
			refused++;   /* said why on stderr; the test checks which */
			continue;
		}
		fd = load_prog(map_fd, &f);
		if (fd < 0) {
			fprintf(stderr, "xlate-diff: '%s': the kernel refuses the program: %s\n",
				line, strerror(errno));
			return errno == EINVAL ? 1 : 77;
		}
		pe = pcap_side_compile(line, DLT_EN10MB);
		pr = pcap_side_compile(line, DLT_RAW);
		for (size_t i = 0; i < npkts; i++) {
			const struct pkt *p = &pkts[i];
			/* the raw-IP variant on the frame's IP packet */
			uint32_t skip = p->caplen >= 15 && p->b[12] == 0x08 && p->b[13] == 0 ? 14 :
					p->caplen >= 15 && p->b[12] == 0x86 && p->b[13] == 0xdd ? 14 : 0;

			for (int l2 = 1; l2 >= 0; l2--) {
				uint32_t s = l2 ? 0 : skip;
				int k, u;

				if (!l2 && !skip)
					continue;
				k = kernel_match(fd, p, s, (uint32_t)l2);
				u = pcap_side_match(l2 ? pe : pr, p->b + s, p->caplen - s,
						    p->wirelen - s);
				runs++;
				if (k != u && bad++ < 20)
					fprintf(stderr, "'%s' %s packet %zu (%u of %u bytes): kernel %d, "
						"libpcap %d\n", line, l2 ? "ether" : "raw", i,
						p->caplen - s, p->wirelen - s, k, u);
				if (p->caplen - s > f.need) {   /* cut to what it can load */
					struct pkt cut = { p->b, s + f.need, p->wirelen };
					int kc = kernel_match(fd, &cut, s, (uint32_t)l2);
					int uc = pcap_side_match(l2 ? pe : pr, p->b + s, f.need,
								 p->wirelen - s);

					cuts++;
					if ((kc != u || uc != u) && bad++ < 20)
						fprintf(stderr, "'%s' %s packet %zu cut to %u bytes: kernel %d, "
							"libpcap %d, whole %d\n", line,
							l2 ? "ether" : "raw", i, f.need, kc, uc, u);
				}
				/* cut shorter: decided as on the whole, or "past" */
				for (uint32_t c = 14; c < p->caplen - s && c < f.need; c += 20) {
					struct pkt cut = { p->b, s + c, p->wirelen };
					int kr = kernel_run(fd, &cut, s, (uint32_t)l2);

					prefixes++;
					decided += kr != 2;
					if (kr != 2 && kr != u && bad++ < 20)
						fprintf(stderr, "'%s' %s packet %zu cut to %u bytes: "
							"kernel %d, whole %d\n", line,
							l2 ? "ether" : "raw", i, c, kr, u);
				}
			}
		}
		pcap_side_free(pe);
		pcap_side_free(pr);
		close(fd);
		free(f.insns);
	}
	fclose(ef);
	printf("%u expressions (%u refused by the translator), %zu packets, %u runs, "
	       "%u of them cut to the bytes the expression can load, %u shorter (%u decided), "
	       "%u disagreements\n", exprs, refused, npkts, runs, cuts, prefixes, decided, bad);
	return bad ? 1 : 0;
}
