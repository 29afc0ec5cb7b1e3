/*
 * Character devices: the host end of serial ports (and, later, the
 * monitor).  Backends: stdio (raw terminal when stdin is a tty, restored at
 * exit and on fatal signals), null, file:path (output only), and "mon:"
 * over any of those: a mux with QEMU's Ctrl-A escapes (x quit, h help,
 * c serial/monitor, a literal Ctrl-A, s reserved).
 *
 * A device (frontend) writes with chardev_write and receives through the
 * handlers it sets; input is delivered only while can_receive > 0 and the
 * rest waits in the chardev (backpressure).  When the device can take
 * more (the guest read its FIFO) it calls chardev_accept_input.
 *
 *     Chardev *c = chardev_from_spec(m, "mon:stdio", err, sizeof err);
 *     chardev_set_handlers(c, uart_can_receive, uart_receive, uart);
 */
#ifndef DOPPEL_CHARDEV_H
#define DOPPEL_CHARDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct Machine Machine;
typedef struct Chardev Chardev;

typedef int (*ChardevCanReceive)(void *opaque);
typedef void (*ChardevReceive)(void *opaque, const uint8_t *buf, size_t len);

/* Specs: "stdio", "null", "none" (returns NULL with err empty: no port
 * backend at all), "file:path", "mon:<spec>" (a mux over <spec>), and
 * sockets (core/chardev_socket.c):
 *   tcp:[host]:port[,server=on|off][,wait=on|off][,nodelay=on]
 *   unix:path[,server=on|off][,wait=on|off]
 * with QEMU's spellings ("server", "nowait", "server,nowait" as flags).
 * A server listens (host empty: 127.0.0.1 — loopback unless an address
 * is given) and takes one client at a time; wait=on (the default for a
 * server, as QEMU) blocks chardev_from_spec until the first client
 * connects.  A client connects at once and fails with one line if it
 * cannot.  Output while nobody is connected is dropped.  Input fds are registered with
 * m->loop, so create the event loop first; m may be NULL (tests).  On error
 * returns NULL with one line in err (no "doppel:" prefix). */
Chardev *chardev_from_spec(Machine *m, const char *spec, char *err, size_t errlen);
void chardev_close(Chardev *chr);
/* Syntax check only, for the command line (-serial, -monitor, -qmp, -gdb):
 * also accepts the backends that are parsed but not available yet
 * (tcp:[host]:port[,server=on|off][,wait=on|off], unix:path[,...]). */
bool chardev_check_spec(const char *spec, char *err, size_t errlen);

/* A board's first serial port: opens the first -serial (default
 * "mon:stdio") and names it "serial0" (the monitor shares it; -device
 * ...,chardev=serial0 finds it).  *chr is NULL for "-serial none".  False
 * after one printed line on a bad spec. */
bool chardev_open_serial0(Machine *m, Chardev **chr);

/* Name a chardev so -device ...,chardev=<id> can find it. */
void chardev_set_id(Chardev *chr, const char *id);
Chardev *chardev_find(const char *id);

/* Connection events, for protocols that greet or reset per client (QMP's
 * greeting, the gdbstub's state): OPENED when a client connects (and at
 * once, from chardev_set_event_handler, for backends that are always
 * open: stdio, null, file, a connected client socket), CLOSED when it
 * goes. */
typedef enum ChardevEvent {
    CHARDEV_EVENT_OPENED,
    CHARDEV_EVENT_CLOSED,
} ChardevEvent;
typedef void (*ChardevEventHandler)(void *opaque, ChardevEvent event);
void chardev_set_event_handler(Chardev *chr, ChardevEventHandler handler, void *opaque);
/* Whether a client is connected (always true for non-socket backends). */
bool chardev_is_connected(const Chardev *chr);
/* Drop the current client of a socket server (gdb 'k', QMP errors it
 * cannot recover from); no-op for other backends. */
void chardev_disconnect(Chardev *chr);
/* A tcp:, telnet: or unix: backend: the peer is a terminal program or a
 * script on the far side of a socket, with no tty of ours to turn "\n"
 * into "\r\n" (the monitor writes "\r\n" there, as QEMU's does). */
bool chardev_is_socket(const Chardev *chr);
/* For tests: the port a tcp server listens on (useful with port 0, "any
 * free port"), or -1. */
int chardev_socket_port(const Chardev *chr);

/* Frontend API (NULL chr is ignored, like an unconnected port). */
void chardev_set_handlers(Chardev *chr, ChardevCanReceive can_receive, ChardevReceive receive,
                          void *opaque);
size_t chardev_write(Chardev *chr, const uint8_t *buf, size_t len);
void chardev_accept_input(Chardev *chr);

/* Bytes arriving from the host side, as the backend reader delivers them.
 * On a mux this runs the Ctrl-A escape handling (tests feed it directly). */
void chardev_input(Chardev *chr, const uint8_t *buf, size_t len);

/* The monitor (core/monitor.h) registers itself as the mux's second
 * frontend; Ctrl-A c switches focus between serial and monitor.  Returns
 * false, changing nothing, when mux is not a mux.  NULL handlers detach
 * the monitor (the focus goes back to the serial port). */
bool chardev_mux_set_monitor(Chardev *mux, ChardevCanReceive can_receive, ChardevReceive receive,
                             void *opaque);
/* [monitor] Told (with the monitor's opaque) when Ctrl-A c gives the
 * monitor the focus (true) or takes it away (false), so that it can show
 * its banner and prompt. */
typedef void (*ChardevFocusChanged)(void *opaque, bool focused);
void chardev_mux_set_monitor_focus(Chardev *mux, ChardevFocusChanged focus_changed);

/* Restore the terminal (also done by atexit and fatal-signal handlers). */
void chardev_restore_terminal(void);

#endif
