/*
 * A TN3270 server on the loopback interface, so that tn3270 clients
 * (c3270, x3270, s3270, wc3270) become the 3270 display terminals of a
 * machine, as with Hercules' console port (CNSLPORT).
 *
 * Protocol: RFC 1576 "TN3270 Current Practices": the server asks for the
 * TERMINAL-TYPE (RFC 1091), then both sides agree to END-OF-RECORD
 * (RFC 885) and BINARY (RFC 856) in both directions; from then on each
 * 3270 data stream record travels with IAC bytes doubled and ends with
 * IAC EOR.  TN3270E (RFC 2355) is never offered (clients fall back to
 * TN3270).  libtelnet does the telnet layer.
 *
 * Several terminals (devices) share one port.  A client gets the free
 * terminal with the lowest device number; a terminal type with a suffix
 * selects one, as Hercules accepts: "IBM-3278-2@00C1" (what c3270 sends for
 * "c3270 00C1@127.0.0.1:3270" or "-tn IBM-3278-2@00C1") asks for device
 * 00C1, "IBM-3278-2@GROUP1" for a free terminal of group GROUP1; without a
 * suffix only terminals without a group are eligible.  A client that
 * cannot get a terminal, or is no tn3270 client, gets one line of plain
 * text and is disconnected.  Everything runs on the machine's event loop
 * (the main thread); sockets are non-blocking.
 *
 *     Tn3270Server *srv = tn3270_server_get(m, 3270);   // found or created
 *     Tn3270Terminal *t = tn3270_terminal_new(srv, 0x0c0, NULL, &ops, dev);
 *     ops.connected(dev)          a client holds the terminal (3270 mode)
 *     ops.record(dev, data, len)  one inbound record, without IAC EOR
 *     ops.disconnected(dev)       it went away
 *     tn3270_terminal_send(t, data, len); tn3270_terminal_end_record(t);
 *     tn3270_terminal_free(t);    // the last terminal of a port closes it
 */
#ifndef DOPPEL_TN3270_SERVER_H
#define DOPPEL_TN3270_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct Machine Machine;
typedef struct Tn3270Server Tn3270Server;
typedef struct Tn3270Terminal Tn3270Terminal;

/* Inbound records longer than this end the connection (a client cannot
 * make the emulator buffer without bound). */
#define TN3270_RECORD_MAX (64u * 1024)

typedef struct Tn3270TerminalOps {
    void (*connected)(void *opaque);
    /* data is valid during the call only. */
    void (*record)(void *opaque, const uint8_t *data, size_t len);
    void (*disconnected)(void *opaque);
} Tn3270TerminalOps;

/* The machine's server for port (0: an ephemeral port, shared by every
 * terminal created with port 0), created on first use: it listens on
 * 127.0.0.1 and prints "doppel: 3270 terminals: telnet 127.0.0.1 PORT" on
 * stderr.  NULL after one printed line ("doppel: 3270: ...") when the port
 * cannot be bound. */
Tn3270Server *tn3270_server_get(Machine *m, uint16_t port);
/* The port it listens on (the ephemeral one for port 0). */
uint16_t tn3270_server_port(const Tn3270Server *srv);

/* A terminal at devno on srv; group (NULL or "": none) is the Hercules
 * terminal group name, 1 to 8 characters.  NULL when out of memory (a
 * server without terminals is then freed). */
Tn3270Terminal *tn3270_terminal_new(Tn3270Server *srv, uint16_t devno, const char *group,
                                    const Tn3270TerminalOps *ops, void *opaque);
/* Disconnects its client (no disconnected call); frees the server with
 * its last terminal. */
void tn3270_terminal_free(Tn3270Terminal *t);

bool tn3270_terminal_connected(const Tn3270Terminal *t);
/* The client's terminal type without its suffix ("IBM-3278-2-E"), or
 * NULL when no client is connected. */
const char *tn3270_terminal_type(const Tn3270Terminal *t);
/* Outbound data (IAC bytes are doubled here) and the end of the record.
 * False when no client is connected or its connection has failed (the
 * disconnected call follows from the event loop). */
bool tn3270_terminal_send(Tn3270Terminal *t, const uint8_t *data, size_t len);
bool tn3270_terminal_end_record(Tn3270Terminal *t);

#endif
