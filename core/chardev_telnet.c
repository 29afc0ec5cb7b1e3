/*
 * The telnet layer of socket chardevs (core/chardev_telnet.h).
 */
#include "core/chardev_telnet.h"

#include <libtelnet.h>
#include <stdbool.h>
#include <stdlib.h>

struct ChardevTelnet {
    telnet_t *telnet;
    ChardevTelnetOps ops;
    bool after_cr;      /* the last data byte was CR: a NUL after it is padding */
    bool client_binary; /* the client sends binary: no CR NUL padding */
};

/* What the server agrees to.  It echoes (the guest's own echo is what the
 * user sees), suppresses go-ahead (character at a time) and passes 8-bit
 * data both ways; anything else the client asks for is refused. */
static const telnet_telopt_t chr_telnet_options[] = {
    {TELNET_TELOPT_ECHO, TELNET_WILL, TELNET_DONT},
    {TELNET_TELOPT_SGA, TELNET_WILL, TELNET_DO},
    {TELNET_TELOPT_BINARY, TELNET_WILL, TELNET_DO},
    {-1, 0, 0},
};

/* RFC 854 "The NVT printer and keyboard": a bare CR is sent as CR NUL;
 * the guest gets the CR alone, as from a serial terminal. */
static void chr_telnet_data(ChardevTelnet *t, const uint8_t *buf, size_t len)
{
    size_t start = 0;
    for (size_t i = 0; i < len; i++) {
        if (buf[i] == 0 && t->after_cr && !t->client_binary) {
            if (i > start) t->ops.data(t->ops.opaque, buf + start, i - start);
            start = i + 1;
        }
        t->after_cr = buf[i] == '\r';
    }
    if (len > start) t->ops.data(t->ops.opaque, buf + start, len - start);
}

static void chr_telnet_event(telnet_t *telnet, telnet_event_t *ev, void *opaque)
{
    (void)telnet;
    ChardevTelnet *t = opaque;
    switch (ev->type) {
    case TELNET_EV_DATA: chr_telnet_data(t, (const uint8_t *)ev->data.buffer, ev->data.size); break;
    case TELNET_EV_SEND:
        t->ops.send_raw(t->ops.opaque, (const uint8_t *)ev->data.buffer, ev->data.size);
        break;
    case TELNET_EV_WILL:
    case TELNET_EV_WONT:
        if (ev->neg.telopt == TELNET_TELOPT_BINARY) t->client_binary = ev->type == TELNET_EV_WILL;
        break;
    default: break; /* negotiation is answered by libtelnet from the table */
    }
}

ChardevTelnet *chr_telnet_new(const ChardevTelnetOps *ops)
{
    ChardevTelnet *t = calloc(1, sizeof *t);
    if (!t) return NULL;
    t->ops = *ops;
    t->telnet = telnet_init(chr_telnet_options, chr_telnet_event, 0, t);
    if (!t->telnet) {
        free(t);
        return NULL;
    }
    telnet_negotiate(t->telnet, TELNET_WILL, TELNET_TELOPT_ECHO);
    telnet_negotiate(t->telnet, TELNET_WILL, TELNET_TELOPT_SGA);
    telnet_negotiate(t->telnet, TELNET_DO, TELNET_TELOPT_SGA);
    telnet_negotiate(t->telnet, TELNET_WILL, TELNET_TELOPT_BINARY);
    telnet_negotiate(t->telnet, TELNET_DO, TELNET_TELOPT_BINARY);
    return t;
}

void chr_telnet_free(ChardevTelnet *t)
{
    if (!t) return;
    telnet_free(t->telnet);
    free(t);
}

void chr_telnet_input(ChardevTelnet *t, const uint8_t *buf, size_t len)
{
    telnet_recv(t->telnet, (const char *)buf, len);
}

void chr_telnet_output(ChardevTelnet *t, const uint8_t *buf, size_t len)
{
    telnet_send(t->telnet, (const char *)buf, len);
}
