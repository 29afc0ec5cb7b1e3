/*
 * Internal to core/chardev_socket.c: the telnet protocol on a socket
 * chardev's connection (QEMU's telnet=on and telnet:host:port).  Bytes
 * from the network go through chr_telnet_input, which answers option
 * negotiation and hands on the data without telnet commands; data for the
 * network goes through chr_telnet_output, which escapes it.  libtelnet
 * does the protocol (RFC 854, option negotiation as RFC 1143).
 */
#ifndef DOPPEL_CHARDEV_TELNET_H
#define DOPPEL_CHARDEV_TELNET_H

#include <stddef.h>
#include <stdint.h>

typedef struct ChardevTelnet ChardevTelnet;

typedef struct ChardevTelnetOps {
    void (*send_raw)(void *opaque, const uint8_t *buf, size_t len); /* to the network */
    void (*data)(void *opaque, const uint8_t *buf, size_t len);     /* to the guest side */
    void *opaque;
} ChardevTelnetOps;

/* One connection's state; sends the server's opening negotiation (the
 * server echoes and runs character at a time: WILL ECHO, WILL SGA, DO SGA,
 * and binary in both directions).  NULL when out of memory. */
ChardevTelnet *chr_telnet_new(const ChardevTelnetOps *ops);
void chr_telnet_free(ChardevTelnet *t);
void chr_telnet_input(ChardevTelnet *t, const uint8_t *buf, size_t len);
void chr_telnet_output(ChardevTelnet *t, const uint8_t *buf, size_t len);

#endif
