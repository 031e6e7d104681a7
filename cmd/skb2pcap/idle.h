/* SPDX-License-Identifier: MIT */
/*
 * idle.h - flush the output while a live input keeps us waiting.
 *
 * `skbrec -o - | skb2pcap | tcpdump -r -` must show packets as they come,
 * but asking the pipe before every record whether a read would wait (poll)
 * costs a system call per packet.  Instead a 50 ms interval timer
 * (SIGALRM) flushes the output buffer when it finds the program waiting for
 * input: between idle_wait_begin() and idle_wait_end() the main code does
 * not touch the buffer, so the handler may write it out.
 */
#ifndef SKB2PCAP_IDLE_H
#define SKB2PCAP_IDLE_H

#include "out.h"

/* Start the timer for o (once; a no-op when the timer cannot be set). */
void idle_start(struct out *o);
void idle_wait_begin(void);
void idle_wait_end(void);
void idle_stop(void);

#endif
