/* SPDX-License-Identifier: MIT */
/*
 * skb.h - the .skb event format: in-memory records, streaming reader and
 * writer.  The on-disk layout is described in docs/format.md; this header is
 * the C view of it.  Nothing here depends on libbpf: every reader tool links
 * only lib/ (plus zlib, and libpcap for filters and capture files).
 */
#ifndef SKB_H
#define SKB_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define SKB_MAGIC          "\x89SKB\r\n\x1a\n"
#define SKB_MAGIC_LEN      8
#define SKB_VERSION_MAJOR  1
#define SKB_VERSION_MINOR  1
#define SKB_RECORD_MAX     (1u << 20)   /* readers refuse longer records */
#define SKB_SNAPLEN_MAX    262144u   /* tcpdump's MAXIMUM_SNAPLEN; 65535 in minor 0 */
#define SKB_STACK_MAX      64           /* frames kept per stack */

/* Record types (first byte of every record). */
enum skb_rec_type {
	SKB_REC_EVENT       = 0x01,
	SKB_REC_PROBE       = 0x02,
	SKB_REC_IFACE       = 0x03,
	SKB_REC_CTX         = 0x04,
	SKB_REC_DROP_REASON = 0x05,
	SKB_REC_STACK       = 0x07,
	SKB_REC_TIME_BASE   = 0x08,
	SKB_REC_LOST        = 0x09,
	SKB_REC_END         = 0x0a,
	SKB_REC_GZIP        = 0x1f,  /* reserved: a gzip member starts here */
	SKB_REC_SECTION     = 0x89,  /* reserved: a file header starts here */
};

/* How a probe is attached (PROBE record "kind"). */
enum skb_probe_kind {
	SKB_PROBE_TP        = 1,  /* tracepoint  (tp:)  */
	SKB_PROBE_KPROBE    = 2,  /* function entry (k:) */
	SKB_PROBE_KRETPROBE = 3,  /* function return (kr:) */
	SKB_PROBE_SYNTH     = 4,  /* synthetic, e.g. pcap2skb's "pcap" probe */
};

/* Event flags (byte 32 of an EVENT record). */
#define SKB_EV_L2         0x01  /* bytes start at the MAC header */
#define SKB_EV_L3         0x02  /* bytes start at the network header (no L2) */
#define SKB_EV_DROP       0x04  /* the probe reported a drop reason */
#define SKB_EV_MAC_SET    0x08  /* skb had its MAC header set */
#define SKB_EV_MISSING    0x40  /* bytes the recorder could not read: caplen <
                                 * min(orig_len, snaplen) (format minor 1) */
/* Encoding flags, chosen by the writer (callers need not set them): */
#define SKB_EV_DATA_L3    0x10  /* skb->data is at the L3 offset (default len) */
#define SKB_EV_RX_DEV     0x20  /* skb_iif is the interface's ifindex */

/* Optional event fields: bit i set => field i present, stored in bit order.
 * Sizes, contents and defaults: the table skb_fields[] in skbfields.c. */
enum skb_field {
	SKB_F_ORIG_LEN  = 1u << 0,
	SKB_F_SKB_LEN   = 1u << 1,
	SKB_F_PROTOCOL  = 1u << 2,
	SKB_F_MARK      = 1u << 3,
	SKB_F_HASH      = 1u << 4,
	SKB_F_PRIORITY  = 1u << 5,
	SKB_F_QUEUE     = 1u << 6,
	SKB_F_VLAN      = 1u << 7,
	SKB_F_CSUM      = 1u << 8,
	SKB_F_GSO       = 1u << 9,
	SKB_F_CLONE     = 1u << 10,
	SKB_F_DROP      = 1u << 11,
	SKB_F_RX_IF     = 1u << 12,
	SKB_F_STACK     = 1u << 13,
	SKB_F_NETNS     = 1u << 14,
	SKB_F_EXT       = 1u << 15,
};

/* ---- dictionary entries (owned by the reader, or by the caller) ---- */

/* Probe flags: which way packets seen there are going (set by skbrec from
 * what it knows of the probe; readers use them for pcapng/SLL2 direction). */
#define SKB_PROBE_F_TX 0x01   /* transmit path: packets leaving through a device */
#define SKB_PROBE_F_RX 0x02   /* receive path: packets arriving from a device */

struct skb_probe {
	uint16_t id;
	uint8_t kind;           /* enum skb_probe_kind */
	uint8_t flags;          /* SKB_PROBE_F_* */
	const char *spec;       /* "tp:net:netif_receive_skb", "k:ip_rcv" ... */
};

struct skb_iface {
	uint16_t id;
	uint32_t netns;         /* netns inode, 0 unknown */
	uint32_t ifindex;       /* 0 = no device */
	const char *name;       /* device name, "" when unknown */
};

struct skb_ctx {
	uint32_t id;
	uint16_t cpu;
	uint32_t pid;           /* tgid */
	uint32_t tid;
	const char *comm;
};

/* A kernel stack, symbolized at record time (names travel with the file). */
struct skb_stack_frame {
	uint64_t addr;          /* return address */
	uint32_t off;           /* offset into the symbol */
	const char *sym;        /* function name, "" when unknown */
};

struct skb_stack {
	uint32_t id;
	uint16_t n;             /* <= SKB_STACK_MAX */
	const struct skb_stack_frame *frame;  /* innermost first */
};

/* ---- records handed to and from the tools ---- */

struct skb_event {
	uint64_t ts;            /* monotonic ns (CLOCK_MONOTONIC / ktime) */
	uint64_t skb;           /* struct sk_buff address */
	uint64_t track;         /* tracking id, same for one packet across probes */
	const struct skb_probe *probe;
	const struct skb_iface *iface;  /* NULL: no device */
	const struct skb_ctx *ctx;
	const struct skb_stack *stack;  /* NULL: none recorded */
	uint32_t netns;         /* netns inode (iface's or SKB_F_NETNS) */
	uint8_t flags;          /* SKB_EV_* */
	uint8_t pkt_type;       /* skb->pkt_type (PACKET_HOST ...) */
	uint16_t l3_off;        /* network header offset in data, 0xffff unknown (< 255 stored) */
	uint16_t l4_off;        /* transport header offset in data, 0xffff unknown (< 255 stored) */
	uint32_t fields;        /* SKB_F_* present on disk: set by the reader, ignored by the writer */
	uint32_t orig_len;      /* packet length from the first captured byte */
	uint32_t caplen;        /* bytes captured (<= orig_len) */
	uint32_t len, data_len; /* skb->len, skb->data_len */
	uint16_t protocol;      /* skb->protocol, host order (ETH_P_IP ...) */
	uint16_t queue_mapping;
	uint32_t mark, hash, priority;
	uint16_t vlan_tci, vlan_proto;  /* offloaded tag; vlan_proto 0 = none */
	uint8_t ip_summed, csum_level;
	uint8_t cloned, fclone;
	uint32_t users;
	uint16_t gso_size, gso_segs;
	uint32_t gso_type;
	uint32_t drop_reason;   /* valid when flags & SKB_EV_DROP */
	const char *drop_name;  /* reason name from the file, NULL unknown */
	uint32_t rx_ifindex;
	const uint8_t *data;    /* caplen bytes; valid until the next read */
};

/* An empty event.  Copied, not memset(): gcc makes `rep stos` of a memset
 * this size, slow to start, which was a fifth of the reader's time per
 * event (a copy is a few vector stores). */
static inline void skb_event_clear(struct skb_event *ev)
{
	static const struct skb_event empty;

	*ev = empty;
}

struct skb_lost {
	uint64_t ts;
	uint64_t count;
	const struct skb_probe *probe;  /* NULL: not attributable */
};

struct skb_end {
	uint64_t events;        /* events written in this section */
	uint64_t lost;          /* events lost in this section */
	uint64_t ts;            /* monotonic ns at the end */
};

/* File (section) header metadata. */
struct skb_info {
	uint16_t major, minor;
	uint32_t snaplen;
	int64_t wall_offset;    /* wall-clock ns since the epoch = ts + wall_offset */
	uint64_t time_base;
	const char *tool;       /* "skbrec 0.1.0" */
	const char *host;
	const char *kernel;     /* uname -r */
	const char *cmdline;    /* arguments separated by single spaces */
};

/* Wall-clock ns since the epoch of a time from the reader: ts + the
 * section's wall offset, or ts itself when the section has none.  The reader
 * has checked that both lie in 0..INT64_MAX (docs/format.md), so readers
 * may add and subtract such times freely. */
static inline int64_t skb_wall_ns(const struct skb_info *info, uint64_t ts)
{
	return (int64_t)ts + (info ? info->wall_offset : 0);
}

enum skb_kind { SKB_EOF = 0, SKB_EVENT, SKB_LOST, SKB_END, SKB_SECTION };

struct skb_record {
	enum skb_kind kind;
	const struct skb_info *info;    /* current section's header */
	uint64_t offset;                /* where the record starts (see skbr_error) */
	uint32_t size;                  /* its length in bytes (uncompressed) */
	/* SKB_EVENT: the record's size bytes as read, for skbw_event_copy();
	 * NULL when the section is of a later minor version than this
	 * library's (its records may hold what this writer cannot vouch
	 * for).  Valid until the next skbr_next(), like ev.data. */
	const uint8_t *raw;
	union {
		struct skb_event ev;
		struct skb_lost lost;
		struct skb_end end;
	};
};

/* ---- reader ----
 * Dictionary entries an event points to (probe, iface, ctx, stack,
 * drop_name) stay valid until skbr_close(); ev.data only until the next
 * skbr_next() call. */

struct skb_reader;

/* path "-" reads standard input.  NULL on error, with the message
 * ("PATH: why") in err[errsz]. */
struct skb_reader *skbr_open(const char *path, char *err, size_t errsz);
struct skb_reader *skbr_open_fd(int fd, const char *name);
/*
 * Next record: 1 and *rec filled, 0 at a clean end of input, -1 on damage or
 * I/O error (skbr_error() then says "NAME: offset N: what is wrong").
 * Dictionary records are absorbed and resolved into events.  Every complete
 * record before damage is returned first.  The end of input without an END
 * record in the last section is damage ("truncated").
 */
int skbr_next(struct skb_reader *r, struct skb_record *rec);
const char *skbr_error(const struct skb_reader *r);
/*
 * Live input (skbrec -o - | skbcat): fn(arg) is called before the reader
 * waits on a pipe or terminal that has nothing to read right now, so the
 * caller can hand out what it printed so far.  One poll(2) per read(2), not
 * per record; regular files never wait and never call it.
 */
void skbr_set_idle(struct skb_reader *r, void (*fn)(void *arg), void *arg);
const char *skbr_name(const struct skb_reader *r);
void skbr_close(struct skb_reader *r);

/* ---- writer ---- */

struct skb_writer;

#define SKBW_COMPRESS 0x1
/* The caller's probe, interface, context and stack objects never change or
 * move while the writer is open (skbrec keeps one object per content): the
 * writer then finds their ids by address before interning by content. */
#define SKBW_STABLE_REFS 0x2

/*
 * Write a stream to fd.  The header is written at once.  Dictionary records
 * are emitted by the writer itself, the first time an event or lost record
 * refers to a probe / interface / context / stack / drop reason (interned by
 * content, so events copied from a reader can be passed straight in).
 */
struct skb_writer *skbw_open_fd(int fd, const struct skb_info *info, int flags);
int skbw_event(struct skb_writer *w, const struct skb_event *ev);
/*
 * An event read by skbr_next() written as it is: rec->raw is copied and only
 * the ids of its dictionary entries and its time offset are rewritten for
 * this writer; no field is encoded again (skbgrep writes what it keeps this
 * way).  The stream is the same as skbw_event(w, &rec->ev) would give, up
 * to the choice of optional fields.  Falls back to skbw_event() when
 * rec->raw is NULL.
 */
int skbw_event_copy(struct skb_writer *w, const struct skb_record *rec);
int skbw_lost(struct skb_writer *w, const struct skb_lost *lost);
/* Define a drop-reason name up front (skbrec does, from kernel BTF). */
int skbw_drop_reason(struct skb_writer *w, uint32_t value, const char *name);
/* SKBW_STABLE_REFS: the objects behind earlier events are going away (their
 * reader is closed); later ones may reuse the addresses. */
void skbw_forget_refs(struct skb_writer *w);
/* Push buffered records to the fd (a complete gzip member when compressing). */
int skbw_flush(struct skb_writer *w);
/* Bytes handed to the fd so far. */
uint64_t skbw_bytes(const struct skb_writer *w);
/* Write the END record, flush, free.  Does not close fd.  0 or -errno. */
int skbw_close(struct skb_writer *w);
/* Free without an END record (the stream stays visibly truncated). */
void skbw_abort(struct skb_writer *w);

#endif
