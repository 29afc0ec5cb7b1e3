/*
 * Internal to core/chardev.c: the tcp: and unix: socket backends.  A
 * ChardevSocket is one listening or connecting endpoint with at most one
 * connected peer; it reads from the peer in the event loop and hands the
 * bytes to its owner (the Chardev), and buffers a bounded amount of output
 * so that a slow reader never blocks the machine's thread.
 */
#ifndef DOPPEL_CHARDEV_SOCKET_H
#define DOPPEL_CHARDEV_SOCKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/chardev.h"

typedef struct EventLoop EventLoop;
typedef struct ChardevSocket ChardevSocket;

/* What the owner is told.  room: how many input bytes it can take now
 * (0 pauses reading until chr_socket_set_input_paused(s, false)). */
typedef struct ChardevSocketOwner {
    size_t (*room)(void *opaque);
    void (*input)(void *opaque, const uint8_t *buf, size_t len);
    void (*event)(void *opaque, ChardevEvent event);
    void *opaque;
} ChardevSocketOwner;

/* spec is "tcp:..." or "unix:..." (without "mon:"), already syntax-checked
 * by chardev_check_spec.  loop may be NULL (no reading: tests of the
 * connection itself).  NULL with one line in err on failure. */
ChardevSocket *chr_socket_open(EventLoop *loop, const char *spec, const ChardevSocketOwner *owner,
                               char *err, size_t errlen);
/* Flushes pending output (bounded wait), closes, removes a unix server's
 * socket file. */
void chr_socket_close(ChardevSocket *s);
/* Always "consumes" len bytes: what the peer cannot take now is buffered
 * (up to a bound) or dropped; nothing is written without a peer. */
size_t chr_socket_write(ChardevSocket *s, const uint8_t *buf, size_t len);
bool chr_socket_connected(const ChardevSocket *s);
void chr_socket_disconnect(ChardevSocket *s);
void chr_socket_set_input_paused(ChardevSocket *s, bool paused);
int chr_socket_port(const ChardevSocket *s);

#endif
