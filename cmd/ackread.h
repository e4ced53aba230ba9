/* ackread — the status lines coming back on a FIFO (--acks), read by a
 * thread of their own, all the time: also while the tool waits to write
 * stdout. Read only between writes, the filter downstream, its status lines
 * not read, would wait to write them and stop reading ours, and both would
 * wait for ever once both pipes are full. Used by emsc-tail and
 * quake-consume. */
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

/* The newest line acknowledged so far (0: none). Lines come back in
 * order, so every line up to it is acknowledged. */
unsigned long ackread_upto(void);

/* 1 once a strict reader stopped on a bad line. */
int ackread_failed(void);

#endif
