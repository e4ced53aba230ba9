/* ackread — the status lines coming back on a FIFO (--acks), read by a
 * thread of their own, all the time: also while the tool waits to write
 * stdout. Read only between writes, the filter downstream, its status lines
 * not read, would wait to write them and stop reading ours, and both would
 * wait for ever once both pipes are full. Used by emsc-tail,
 * quake-consume and quake-shake's receiver (each line's own status, and the
 * stream's end). */
#ifndef QUAKE_ACKREAD_H
#define QUAKE_ACKREAD_H

/* Open the FIFO at path and start its reader; logs and returns -1 on
 * failure. Opened to read and write: the open does not wait for a writer
 * (in a service, the downstream filter's shell opens the FIFO to write
 * before it starts the filter, and waits for a reader), and a writer that
 * goes away and comes back is no end of input. strict: a line that is not
 * a status line, or not the next line in order, is logged and stops the
 * reader (ackread_failed); else it is logged and skipped. */
int ackread_start(const char *path, int strict);

struct quake_ack;

/* As ackread_start, also telling on_ack(arg, a) of every status line taken
 * (in order; a borrowed for the call) and on_ack(arg, NULL) once when the
 * reader stops: a strict reader's bad line, a read error or, with ends,
 * the end of input. Both run in the reader's thread. ends: the FIFO is
 * opened to read only, in the thread (the open waits for a writer), so
 * that its writer closing it, or dying, ends the stream. */
int ackread_start_fn(const char *path, int strict, int ends,
    void (*on_ack)(void *arg, const struct quake_ack *a), void *arg);

/* The newest line acknowledged so far (0: none). Lines come back in
 * order, so every line up to it is acknowledged. */
unsigned long ackread_upto(void);

/* 1 once a strict reader stopped on a bad line. */
int ackread_failed(void);

#endif
