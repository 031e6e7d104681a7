/* SPDX-License-Identifier: MIT */
/*
 * xlate.c - classic BPF (what pcap_compile() makes) to eBPF instructions
 * that run inside skbrec's probe programs, with libpcap's semantics
 * (bpf_filter() in libpcap's bpf_filter.c):
 *   - a load past the captured bytes fails the match: it returns 2, "past
 *     these bytes" (no match; skbrec, having copied only a packet's first
 *     bytes, copies the rest and asks again), any other failure 0;
 *   - division or modulo by zero fails the match (0);
 *   - shifts by 32 or more give 0;
 *   - A, X and the 16 scratch words start at 0;
 *   - BPF_LEN is the packet's whole (wire) length.
 *
 * The result is the body of a BPF subprogram called as
 *     r0 = match(r1 = bytes, r2 = captured length, r3 = wire length)
 * where bytes points into a map value of at least maxlen bytes: loads are
 * checked against maxlen at translation (so the verifier sees them in
 * bounds) and against the captured length at run time.  r0: 1 match, 0 no
 * match, 2 no match because a load went past the bytes (an answer of 0 or
 * 1 on a packet's first bytes is the answer on the whole packet: every
 * load it made was within them).
 *
 * Registers: A = w4, X = w5, r6/r7 scratch; M[] on the stack at r10-64.
 * Classic jumps only go forward; anything else (or an instruction libpcap
 * never makes for a dead pcap handle, like the Linux SKF_AD_* extensions)
 * is refused with a message naming it.
 */
#include "skbrec.h"

#include "cli.h"

#include <linux/bpf.h>
#include <linux/filter.h>
#include <pcap/dlt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RA 4
#define RX 5
#define RT 6
#define RU 7
#define MEM_OFF (-64)

struct xl {
	struct bpf_insn *v;
	size_t n, cap;
	size_t *start;          /* classic pc -> first eBPF index */
	struct fix { size_t at; size_t target; } *fix;   /* jumps to classic pcs */
	size_t nfix, capfix;
	size_t *fails;          /* jumps to the fail exit (0) */
	size_t nfail, capfail;
	size_t *pasts;          /* jumps to the "past the bytes" exit (2) */
	size_t npast, cappast;
	int err;
};

/* Room for one more element in the array *v of *cap, holding n; false (and
 * x->err set) when out of memory. */
static bool room(struct xl *x, void **v, size_t *cap, size_t n, size_t size)
{
	size_t c = *cap ? *cap * 2 : 64;
	void *p;

	if (x->err)
		return false;
	if (n < *cap)
		return true;
	if (!(p = realloc(*v, c * size))) {
		x->err = -1;
		return false;
	}
	*v = p;
	*cap = c;
	return true;
}

static void emit(struct xl *x, struct bpf_insn i)
{
	if (room(x, (void **)&x->v, &x->cap, x->n, sizeof(*x->v)))
		x->v[x->n++] = i;
}

static struct bpf_insn ins(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
	return (struct bpf_insn){ .code = code, .dst_reg = dst, .src_reg = src, .off = off,
				  .imm = imm };
}

/* A jump to an exit (fail or past) that is always taken but, to the verifier's
 * static check, conditional (r2 >= 0): the classic instructions after it
 * stay reachable on paper, as the verifier requires of every instruction. */
static struct bpf_insn always_fail(void)
{
	return (struct bpf_insn){ .code = BPF_JMP | BPF_JGE | BPF_K, .dst_reg = 2, .imm = 0 };
}

/* A jump (code, dst, src or imm) whose offset is patched later. */
static void emit_fail_jump(struct xl *x, struct bpf_insn j)
{
	if (room(x, (void **)&x->fails, &x->capfail, x->nfail, sizeof(*x->fails)))
		x->fails[x->nfail++] = x->n;
	emit(x, j);
}

static void emit_past_jump(struct xl *x, struct bpf_insn j)
{
	if (room(x, (void **)&x->pasts, &x->cappast, x->npast, sizeof(*x->pasts)))
		x->pasts[x->npast++] = x->n;
	emit(x, j);
}

static void emit_pc_jump(struct xl *x, struct bpf_insn j, size_t target)
{
	if (room(x, (void **)&x->fix, &x->capfix, x->nfix, sizeof(*x->fix)))
		x->fix[x->nfix++] = (struct fix){ x->n, target };
	emit(x, j);
}

/* dst = packet[off reg or k .. + size], big-endian; "past" beyond the bytes. */
static void emit_load(struct xl *x, uint8_t dst, int size, bool ind, uint32_t k, uint32_t maxlen)
{
	int bsize = size == 4 ? BPF_W : size == 2 ? BPF_H : BPF_B;

	if (!ind) {
		if ((uint64_t)k + size > maxlen) {   /* never within the bytes */
			emit_past_jump(x, always_fail());
			return;
		}
		/* if caplen < k + size: past */
		emit_past_jump(x, ins(BPF_JMP | BPF_JLT | BPF_K, 2, 0, 0, (int32_t)(k + size)));
		emit(x, ins(BPF_LDX | BPF_MEM | bsize, dst, 1, (int16_t)k, 0));
	} else {
		/* rT = X + k (no wrap: 64-bit), bounded for the verifier, then
		 * against the captured length */
		emit(x, ins(BPF_ALU | BPF_MOV | BPF_X, RT, RX, 0, 0));   /* zero-extends X */
		emit(x, ins(BPF_ALU64 | BPF_ADD | BPF_K, RT, 0, 0, (int32_t)k));   /* k < 2^31 */
		emit_past_jump(x, ins(BPF_JMP | BPF_JGT | BPF_K, RT, 0, 0, (int32_t)(maxlen - size)));
		emit(x, ins(BPF_ALU64 | BPF_MOV | BPF_X, RU, RT, 0, 0));
		emit(x, ins(BPF_ALU64 | BPF_ADD | BPF_K, RU, 0, 0, size));
		emit_past_jump(x, ins(BPF_JMP | BPF_JGT | BPF_X, RU, 2, 0, 0));
		/* rU = data + rT: the pointer first, then the number (the
		 * other way round, 6.18.15's verifier makes the sum of a
		 * number and read-only untrusted memory a plain number) */
		emit(x, ins(BPF_ALU64 | BPF_MOV | BPF_X, RU, 1, 0, 0));
		emit(x, ins(BPF_ALU64 | BPF_ADD | BPF_X, RU, RT, 0, 0));
		emit(x, ins(BPF_LDX | BPF_MEM | bsize, dst, RU, 0, 0));
	}
	if (size > 1)
		emit(x, ins(BPF_ALU | BPF_END | BPF_TO_BE, dst, 0, 0, size * 8));
}

static int bad(char *err, size_t n, size_t pc, const char *what)
{
	snprintf(err, n, "instruction %zu: %s", pc, what);
	return -1;
}

static int alu(struct xl *x, const struct cbpf_insn *f, size_t pc, char *err, size_t errn)
{
	uint8_t op = BPF_OP(f->code);
	bool isx = BPF_SRC(f->code) == BPF_X;

	switch (op) {
	case BPF_ADD: case BPF_SUB: case BPF_MUL: case BPF_OR: case BPF_AND: case BPF_XOR:
		break;
	case BPF_DIV: case BPF_MOD:
		if (isx)
			emit_fail_jump(x, ins(BPF_JMP32 | BPF_JEQ | BPF_K, RX, 0, 0, 0));
		else if (!f->k) {
			emit_fail_jump(x, always_fail());
			return 0;
		}
		break;
	case BPF_LSH: case BPF_RSH:
		if (!isx && f->k >= 32) {
			emit(x, ins(BPF_ALU | BPF_MOV | BPF_K, RA, 0, 0, 0));
			return 0;
		}
		if (isx) {   /* X >= 32: A = 0, else shift */
			emit(x, ins(BPF_JMP32 | BPF_JLT | BPF_K, RX, 0, 2, 32));
			emit(x, ins(BPF_ALU | BPF_MOV | BPF_K, RA, 0, 0, 0));
			emit(x, ins(BPF_JMP | BPF_JA, 0, 0, 1, 0));
		}
		break;
	case BPF_NEG:
		emit(x, ins(BPF_ALU | BPF_NEG, RA, 0, 0, 0));
		return 0;
	default:
		return bad(err, errn, pc, "unknown ALU operation");
	}
	emit(x, isx ? ins(BPF_ALU | op | BPF_X, RA, RX, 0, 0) :
		      ins(BPF_ALU | op | BPF_K, RA, 0, 0, (int32_t)f->k));
	return 0;
}

static int jump(struct xl *x, const struct cbpf_insn *f, size_t pc, size_t n,
		char *err, size_t errn)
{
	uint8_t op = BPF_OP(f->code);
	size_t t, e;

	if (op == BPF_JA) {
		if (f->k >= n - pc - 1)
			return bad(err, errn, pc, "jump backwards or out of the program (protochain loops "
				   "are not supported in the kernel)");
		emit_pc_jump(x, ins(BPF_JMP | BPF_JA, 0, 0, 0, 0), pc + 1 + f->k);
		return 0;
	}
	if (op != BPF_JEQ && op != BPF_JGT && op != BPF_JGE && op != BPF_JSET)
		return bad(err, errn, pc, "unknown jump");
	t = pc + 1 + f->jt;
	e = pc + 1 + f->jf;
	if (t >= n || e >= n)
		return bad(err, errn, pc, "jump out of the program");
	emit_pc_jump(x, BPF_SRC(f->code) == BPF_X ? ins(BPF_JMP32 | op | BPF_X, RA, RX, 0, 0) :
			ins(BPF_JMP32 | op | BPF_K, RA, 0, 0, (int32_t)f->k), t);
	emit_pc_jump(x, ins(BPF_JMP | BPF_JA, 0, 0, 0, 0), e);
	return 0;
}

static int one(struct xl *x, const struct cbpf_insn *f, size_t pc, size_t n,
	       uint32_t maxlen, char *err, size_t errn)
{
	uint8_t cls = BPF_CLASS(f->code), mode = BPF_MODE(f->code);
	int size = BPF_SIZE(f->code) == BPF_W ? 4 : BPF_SIZE(f->code) == BPF_H ? 2 : 1;

	switch (cls) {
	case BPF_LD:
	case BPF_LDX: {
		uint8_t dst = cls == BPF_LD ? RA : RX;

		if (mode == BPF_IMM)
			emit(x, ins(BPF_ALU | BPF_MOV | BPF_K, dst, 0, 0, (int32_t)f->k));
		else if (mode == BPF_LEN)
			emit(x, ins(BPF_ALU | BPF_MOV | BPF_X, dst, 3, 0, 0));
		else if (mode == BPF_MEM && f->k < BPF_MEMWORDS)
			emit(x, ins(BPF_LDX | BPF_MEM | BPF_W, dst, 10,
				    (int16_t)(MEM_OFF + 4 * (int)f->k), 0));
		else if (cls == BPF_LD && (mode == BPF_ABS || mode == BPF_IND) && f->k < 0x80000000u)
			emit_load(x, RA, size, mode == BPF_IND, f->k, maxlen);
		else if (cls == BPF_LDX && mode == BPF_MSH && f->k < 0x80000000u) {
			emit_load(x, RX, 1, false, f->k, maxlen);
			emit(x, ins(BPF_ALU | BPF_AND | BPF_K, RX, 0, 0, 0xf));
			emit(x, ins(BPF_ALU | BPF_LSH | BPF_K, RX, 0, 0, 2));
		} else
			return bad(err, errn, pc, "unsupported load (Linux SKF_AD_* extensions "
				   "and the like)");
		return 0;
	}
	case BPF_ST:
	case BPF_STX:
		if (f->k >= BPF_MEMWORDS)
			return bad(err, errn, pc, "scratch word out of range");
		emit(x, ins(BPF_STX | BPF_MEM | BPF_W, 10, cls == BPF_ST ? RA : RX,
			    (int16_t)(MEM_OFF + 4 * (int)f->k), 0));
		return 0;
	case BPF_ALU:
		return alu(x, f, pc, err, errn);
	case BPF_JMP:
		return jump(x, f, pc, n, err, errn);
	case BPF_RET:
		if (BPF_RVAL(f->code) == BPF_A) {   /* any A but 0 matches: 1 */
			emit(x, ins(BPF_ALU | BPF_MOV | BPF_X, 0, RA, 0, 0));
			emit(x, ins(BPF_JMP32 | BPF_JEQ | BPF_K, 0, 0, 1, 0));
			emit(x, ins(BPF_ALU | BPF_MOV | BPF_K, 0, 0, 0, 1));
		} else
			emit(x, ins(BPF_ALU | BPF_MOV | BPF_K, 0, 0, 0, f->k ? 1 : 0));
		emit(x, ins(BPF_JMP | BPF_EXIT, 0, 0, 0, 0));
		return 0;
	case BPF_MISC:
		if (BPF_MISCOP(f->code) == BPF_TAX)
			emit(x, ins(BPF_ALU | BPF_MOV | BPF_X, RX, RA, 0, 0));
		else
			emit(x, ins(BPF_ALU | BPF_MOV | BPF_X, RA, RX, 0, 0));
		return 0;
	}
	return bad(err, errn, pc, "unknown instruction class");
}

/* live[pc]: some path from the start reaches pc (classic jumps only go
 * forward, so one pass in order sees every way in first).  Jumps out of the
 * program are refused later, by one(), on the live instruction. */
static void mark_live(const struct cbpf_insn *prog, size_t n, bool *live)
{
	live[0] = true;
	for (size_t pc = 0; pc < n; pc++) {
		const struct cbpf_insn *c = &prog[pc];

		if (!live[pc])
			continue;
		if (BPF_CLASS(c->code) == BPF_RET)
			continue;
		if (BPF_CLASS(c->code) != BPF_JMP) {
			if (pc + 1 < n)
				live[pc + 1] = true;
			continue;
		}
		if (BPF_OP(c->code) == BPF_JA) {
			if ((uint64_t)pc + 1 + c->k < n)
				live[pc + 1 + c->k] = true;
			continue;
		}
		if (pc + 1 + c->jt < n)
			live[pc + 1 + c->jt] = true;
		if (pc + 1 + c->jf < n)
			live[pc + 1 + c->jf] = true;
	}
}

int xlate_cbpf(const struct cbpf_insn *prog, size_t n, uint32_t maxlen,
	       struct bpf_insn **out, size_t *nout, char *err, size_t errn)
{
	struct xl x = { 0 };
	bool *live = NULL;
	int rc = -1;

	*out = NULL;
	*nout = 0;
	if (!n || n > BPF_MAXINSNS || maxlen < 4) {
		snprintf(err, errn, "%zu instructions: empty or too long", n);
		return -1;
	}
	x.start = calloc(n, sizeof(*x.start));
	if (!x.start)
		goto out;
	/* A = X = 0, M[] = 0 */
	emit(&x, ins(BPF_ALU | BPF_MOV | BPF_K, RA, 0, 0, 0));
	emit(&x, ins(BPF_ALU | BPF_MOV | BPF_K, RX, 0, 0, 0));
	for (int i = 0; i < BPF_MEMWORDS; i += 2)
		emit(&x, ins(BPF_ST | BPF_MEM | BPF_DW, 10, 0, (int16_t)(MEM_OFF + 4 * i), 0));
	live = calloc(n, sizeof(*live));
	if (!live)
		goto out;
	mark_live(prog, n, live);
	for (size_t pc = 0; pc < n; pc++) {
		x.start[pc] = x.n;
		/* code no jump reaches is left out: the verifier refuses
		 * unreachable instructions */
		if (live[pc] && one(&x, &prog[pc], pc, n, maxlen, err, errn))
			goto out;
	}
	/* falling off the end cannot happen (the last instruction must be a
	 * return), but fail rather than run into whatever follows */
	if (BPF_CLASS(prog[n - 1].code) != BPF_RET) {
		bad(err, errn, n - 1, "the program does not end with a return");
		goto out;
	}
	size_t fail = x.n, past;

	if (x.nfail) {   /* (an unused exit would be unreachable: refused) */
		emit(&x, ins(BPF_ALU | BPF_MOV | BPF_K, 0, 0, 0, 0));
		emit(&x, ins(BPF_JMP | BPF_EXIT, 0, 0, 0, 0));
	}
	past = x.n;
	if (x.npast) {
		emit(&x, ins(BPF_ALU | BPF_MOV | BPF_K, 0, 0, 0, 2));
		emit(&x, ins(BPF_JMP | BPF_EXIT, 0, 0, 0, 0));
	}
	if (x.err || x.n > 0x7fff) {
		snprintf(err, errn, "out of memory, or the program is too long");
		goto out;
	}
	for (size_t i = 0; i < x.nfix; i++)
		x.v[x.fix[i].at].off = (int16_t)(x.start[x.fix[i].target] - x.fix[i].at - 1);
	for (size_t i = 0; i < x.nfail; i++)
		x.v[x.fails[i]].off = (int16_t)(fail - x.fails[i] - 1);
	for (size_t i = 0; i < x.npast; i++)
		x.v[x.pasts[i]].off = (int16_t)(past - x.pasts[i] - 1);
	*out = x.v;
	*nout = x.n;
	x.v = NULL;
	rc = 0;
out:
	if (rc && !*err)
		snprintf(err, errn, "out of memory");
	free(live);
	free(x.v);
	free(x.start);
	free(x.fix);
	free(x.fails);
	free(x.pasts);
	return rc;
}

/*
 * How many bytes from the start a classic program can load at most: one past
 * the highest byte of any load it can reach, X bounded by what set it
 * (`ldx #k`: k, `ldx 4*([k]&0xf)`: 60), capped at maxlen (a load past maxlen
 * always fails).  FILTER_NEED_ANY when a reachable load has no bound (X
 * from A, M[] or the length).  The filter's answer on the first need bytes
 * is its answer on the whole packet: skbrec runs it on those alone when the
 * linear area holds them (bpf/skbrec.bpf.c).
 */
uint32_t cbpf_need(const struct cbpf_insn *prog, size_t n, uint32_t maxlen)
{
	const uint64_t unb = UINT64_MAX;
	uint64_t *xb = calloc(n ? n : 1, sizeof(*xb)), need = 0;
	bool *seen = calloc(n ? n : 1, sizeof(*seen));

	if (!xb || !seen || !n) {
		free(xb);
		free(seen);
		return FILTER_NEED_ANY;
	}
	seen[0] = true;
	for (size_t pc = 0; pc < n && need != unb; pc++) {
		const struct cbpf_insn *c = &prog[pc];
		uint8_t cls = BPF_CLASS(c->code), mode = BPF_MODE(c->code);
		uint64_t x = xb[pc], size = BPF_SIZE(c->code) == BPF_W ? 4 :
					    BPF_SIZE(c->code) == BPF_H ? 2 : 1, end = 0;
		size_t next[2] = { pc + 1, SIZE_MAX };

		if (!seen[pc])
			continue;
		if (cls == BPF_LD && mode == BPF_ABS)
			end = c->k + size;
		else if (cls == BPF_LD && mode == BPF_IND)
			end = x == unb ? unb : x + c->k + size;
		else if (cls == BPF_LDX && mode == BPF_MSH)
			end = (uint64_t)c->k + 1, x = 60;
		else if (cls == BPF_LDX)
			x = mode == BPF_IMM ? c->k : unb;
		else if (cls == BPF_MISC && BPF_MISCOP(c->code) == BPF_TAX)
			x = unb;
		else if (cls == BPF_RET)
			next[0] = SIZE_MAX;
		else if (cls == BPF_JMP && BPF_OP(c->code) == BPF_JA)
			next[0] = pc + 1 + c->k;
		else if (cls == BPF_JMP)
			next[0] = pc + 1 + c->jt, next[1] = pc + 1 + c->jf;
		if (end > need)
			need = end;
		for (int i = 0; i < 2; i++) {
			if (next[i] >= n)   /* (out of the program: refused by xlate_cbpf) */
				continue;
			if (!seen[next[i]] || x > xb[next[i]])
				xb[next[i]] = x;
			seen[next[i]] = true;
		}
	}
	free(xb);
	free(seen);
	if (need == unb)
		return FILTER_NEED_ANY;
	return need < maxlen ? (uint32_t)need : maxlen;
}

/* r0 = 0; exit: the variant of a link type the expression does not fit */
static const struct bpf_insn no_match[] = {
	{ .code = BPF_ALU | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 0 },
	{ .code = BPF_JMP | BPF_EXIT },
};

/* One link type's variant: 0, 1 when libpcap refuses the expression for
 * it (why in perr; the variant is then no_match), -1 after a message. */
static int variant(const char *expr, int dlt, uint32_t maxlen, struct bpf_insn **out,
		   size_t *n, uint32_t *need, char *perr, size_t perrn)
{
	struct cbpf_insn *c;
	char err[256] = "";
	size_t nc;
	int rc = filter_compile(expr, dlt, &c, &nc, perr, perrn);

	*need = 0;
	if (rc == 1) {
		*out = malloc(sizeof(no_match));
		if (*out)
			memcpy(*out, no_match, sizeof(no_match));
		*n = 2;
		return *out ? 1 : -1;
	}
	if (rc) {
		skb_warn("-f: out of memory");
		return -1;
	}
	rc = xlate_cbpf(c, nc, maxlen, out, n, err, sizeof(err));
	*need = cbpf_need(c, nc, maxlen);
	free(c);
	if (rc)
		skb_warn("-f '%s': cannot run in the kernel: %s", expr, err);
	return rc;
}

/*
 * Both variants joined into the body of filter_match():
 *     if r4 (the bytes start at the MAC header) != 0: goto ether
 *     <raw-IP variant>
 *   ether:
 *     <Ethernet variant>
 * An expression that fits one link type only (`ether host ...`) never
 * matches on the other, as tcpdump would refuse it there.
 */
int filter_build(const char *expr, uint32_t maxlen, struct rec_filter *f)
{
	struct bpf_insn *eth = NULL, *raw = NULL;
	size_t neth = 0, nraw = 0;
	uint32_t need_eth = 0, need_raw = 0;
	char eerr[256] = "", rerr[256] = "";
	int re, rr = -1;

	memset(f, 0, sizeof(*f));
	re = variant(expr, DLT_EN10MB, maxlen, &eth, &neth, &need_eth, eerr, sizeof(eerr));
	if (re >= 0)
		rr = variant(expr, DLT_RAW, maxlen, &raw, &nraw, &need_raw, rerr, sizeof(rerr));
	if (re == 1 && rr == 1)
		skb_warn("-f: %s", eerr);
	if (re < 0 || rr < 0 || (re == 1 && rr == 1))
		goto fail;
	f->n = 1 + nraw + neth;
	f->insns = calloc(f->n, sizeof(*f->insns));
	if (!f->insns || nraw > 0x7fff) {
		skb_warn("-f: out of memory, or the program is too long");
		goto fail;
	}
	f->insns[0] = (struct bpf_insn){ .code = BPF_JMP | BPF_JNE | BPF_K, .dst_reg = 4,
					 .off = (int16_t)nraw, .imm = 0 };
	memcpy(f->insns + 1, raw, nraw * sizeof(*raw));
	memcpy(f->insns + 1 + nraw, eth, neth * sizeof(*eth));
	f->need = need_eth > need_raw ? need_eth : need_raw;
	free(eth);
	free(raw);
	return 0;
fail:
	free(eth);
	free(raw);
	free(f->insns);
	memset(f, 0, sizeof(*f));
	return -1;
}
