/*
 * Character device backends (stdio, null, file; sockets in
 * core/chardev_socket.c) and the Ctrl-A mux.  The list of open chardevs
 * and the saved terminal mode are core registries.
 */
#define _GNU_SOURCE /* memrchr */
#include "core/chardev.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "core/chardev_socket.h"
#include "core/event_loop.h"
#include "core/machine.h"
#include "core/options.h"
#include "core/replay.h"
#include "core/reverse.h"

#define CHARDEV_INBUF 4096
#define CTRL_A        0x01

typedef enum ChardevKind {
    CHR_NULL,
    CHR_STDIO,
    CHR_FILE,
    CHR_TCP,
    CHR_UNIX,
    CHR_NONE, /* no backend at all */
} ChardevKind;

typedef struct ChardevSpec {
    bool mux;
    ChardevKind kind;
    const char *path; /* file: path, or the socket spec, inside the spec string */
} ChardevSpec;

/* Each frontend has its own pending input, so switching focus with
 * Ctrl-A c never hands one frontend's keystrokes to the other. */
typedef struct ChardevFrontend {
    ChardevCanReceive can_receive;
    ChardevReceive receive;
    void *opaque;
    uint8_t inbuf[CHARDEV_INBUF];
    size_t in_len;
} ChardevFrontend;

enum { FOCUS_SERIAL, FOCUS_MONITOR };

struct Chardev {
    ChardevKind kind;
    char *id;
    Machine *machine;
    EventLoop *loop;
    int in_fd, out_fd;   /* -1 when absent */
    ChardevSocket *sock; /* tcp:, unix: */
    ChardevEventHandler event_handler;
    void *event_opaque;
    bool input_paused; /* in_fd watch off while the focused inbuf is full */
    bool delivering;

    ChardevFrontend fe[2]; /* FOCUS_SERIAL, FOCUS_MONITOR */
    int focus;
    bool mux;
    bool escape_pending;               /* Ctrl-A seen */
    ChardevFocusChanged monitor_focus; /* [monitor] Ctrl-A c notification */
    /* A named (guest-facing) port under -icount rr=: what its device takes
     * is recorded and replayed through this channel (core/replay.h). */
    ReplayChannel *rr;
    bool rr_retry_scheduled;

    Chardev *next;
};

static Chardev *chardev_list;

/* ---- terminal mode ---- */

static struct termios saved_termios;
static bool termios_saved;

void chardev_restore_terminal(void)
{
    if (termios_saved) tcsetattr(STDIN_FILENO, TCSANOW, &saved_termios);
}

static void terminal_signal_restore(int sig)
{
    chardev_restore_terminal(); /* tcsetattr is async-signal-safe */
    signal(sig, SIG_DFL);
    raise(sig);
}

/* Raw input so every key reaches the guest; output keeps OPOST so "\n"
 * still moves to column 0, and ISIG keeps Ctrl-C killing doppel as in QEMU. */
static void terminal_make_raw(void)
{
    if (termios_saved || !isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &saved_termios) != 0)
        return;
    termios_saved = true;
    atexit(chardev_restore_terminal);
    static const int signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
    for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++)
        signal(signals[i], terminal_signal_restore);
    struct termios t = saved_termios;
    t.c_iflag &= ~(tcflag_t)(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
    t.c_oflag |= OPOST;
    t.c_lflag &= ~(tcflag_t)(ECHO | ECHONL | ICANON | IEXTEN);
    t.c_cflag = (t.c_cflag & ~(tcflag_t)(CSIZE | PARENB)) | CS8;
    t.c_cc[VMIN] = 1;
    t.c_cc[VTIME] = 0;
    tcsetattr(STDIN_FILENO, TCSANOW, &t);
}

/* ---- spec parsing ---- */

static bool port_valid(const char *s, size_t len)
{
    if (len == 0 || len > 5) return false;
    unsigned v = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9') return false;
        v = v * 10 + (unsigned)(s[i] - '0');
    }
    return v <= 65535;
}

/* Socket options after the address: server, nowait, key=on|off. */
static bool socket_opts_valid(const char *opts)
{
    static const char *const flags[] = {"server", "nowait", "telnet", NULL};
    static const char *const keys[] = {"server=", "wait=", "nodelay=", "telnet=", NULL};
    while (opts && *opts) {
        size_t len = strcspn(opts, ",");
        bool ok = false;
        for (int i = 0; flags[i] && !ok; i++)
            ok = strlen(flags[i]) == len && strncmp(opts, flags[i], len) == 0;
        for (int i = 0; keys[i] && !ok; i++) {
            size_t k = strlen(keys[i]);
            ok = strncmp(opts, keys[i], k) == 0 &&
                 ((len - k == 2 && strncmp(opts + k, "on", 2) == 0) ||
                  (len - k == 3 && strncmp(opts + k, "off", 3) == 0));
        }
        if (!ok) return false;
        opts += len + (opts[len] == ',');
    }
    return true;
}

static bool chardev_parse(const char *spec, ChardevSpec *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    const char *s = spec;
    if (strncmp(s, "mon:", 4) == 0) {
        out->mux = true;
        s += 4;
    }
    if (strcmp(s, "stdio") == 0) {
        out->kind = CHR_STDIO;
    } else if (strcmp(s, "null") == 0) {
        out->kind = CHR_NULL;
    } else if (strcmp(s, "none") == 0 && !out->mux) {
        out->kind = CHR_NONE;
    } else if (strncmp(s, "file:", 5) == 0 && s[5]) {
        out->kind = CHR_FILE;
        out->path = s + 5;
    } else if (strncmp(s, "tcp:", 4) == 0 || strncmp(s, "telnet:", 7) == 0) {
        const char *addr = strchr(s, ':') + 1, *comma = strchr(addr, ',');
        size_t alen = comma ? (size_t)(comma - addr) : strlen(addr);
        const char *colon = memrchr(addr, ':', alen);
        if (!colon || !port_valid(colon + 1, alen - (size_t)(colon + 1 - addr)) ||
            !socket_opts_valid(comma ? comma + 1 : NULL)) {
            snprintf(err, errlen,
                     "invalid tcp chardev '%s' (expected tcp:[host]:port[,server=on][,telnet=on] "
                     "or telnet:[host]:port)",
                     spec);
            return false;
        }
        out->kind = CHR_TCP;
        out->path = s;
    } else if (strncmp(s, "unix:", 5) == 0 && s[5] && s[5] != ',') {
        const char *comma = strchr(s + 5, ',');
        if (!socket_opts_valid(comma ? comma + 1 : NULL)) {
            snprintf(err, errlen, "invalid unix chardev '%s' (expected unix:path[,server=on])",
                     spec);
            return false;
        }
        out->kind = CHR_UNIX;
        out->path = s;
    } else {
        snprintf(err, errlen,
                 "unknown chardev '%s' (expected stdio, mon:stdio, null, none, file:<path>, "
                 "tcp:[host]:port, telnet:[host]:port or unix:<path>)",
                 spec);
        return false;
    }
    return true;
}

bool chardev_check_spec(const char *spec, char *err, size_t errlen)
{
    ChardevSpec cs;
    return chardev_parse(spec, &cs, err, errlen);
}

/* ---- input path ---- */

static void chardev_fd_readable(void *opaque, int fd, short revents);

static void chardev_set_input_paused(Chardev *chr, bool paused)
{
    if (chr->sock) {
        chr_socket_set_input_paused(chr->sock, paused);
        return;
    }
    if (chr->input_paused == paused || !chr->loop || chr->in_fd < 0) return;
    chr->input_paused = paused;
    event_loop_set_fd_events(chr->loop, chr->in_fd, paused ? 0 : POLLIN);
}

static void chardev_deliver(Chardev *chr);

static void chardev_rr_retry(void *opaque)
{
    Chardev *chr = opaque;
    chr->rr_retry_scheduled = false;
    chardev_deliver(chr);
}

/* The replay channel's delivery: the device takes the bytes (it checked
 * for room when they were recorded; the guest is in the same state). */
static void chardev_rr_deliver(void *opaque, const uint8_t *data, size_t len)
{
    ChardevFrontend *fe = &((Chardev *)opaque)->fe[FOCUS_SERIAL];
    if (fe->receive) fe->receive(fe->opaque, data, len);
}

static void frontend_deliver(Chardev *chr, ChardevFrontend *fe)
{
    bool recorded = chr->rr && fe == &chr->fe[FOCUS_SERIAL];
    if (recorded && fe->in_len && replay_must_defer(chr->machine)) {
        /* The guest read its FIFO inside a block: hand over more at the
         * next slice boundary, where the replay can put it too. */
        if (!chr->rr_retry_scheduled && chr->loop) {
            chr->rr_retry_scheduled = true;
            event_loop_schedule(chr->loop, chardev_rr_retry, chr);
        }
        return;
    }
    while (fe->in_len > 0) {
        if (!fe->receive) {
            fe->in_len = 0; /* nobody listens: input is dropped */
            break;
        }
        int room = fe->can_receive ? fe->can_receive(fe->opaque) : (int)fe->in_len;
        if (room <= 0) break;
        size_t n = (size_t)room < fe->in_len ? (size_t)room : fe->in_len;
        uint8_t chunk[CHARDEV_INBUF];
        memcpy(chunk, fe->inbuf, n);
        fe->in_len -= n;
        memmove(fe->inbuf, fe->inbuf + n, fe->in_len);
        if (recorded)
            replay_input(chr->rr, chunk, n); /* replay: dropped, the log's bytes come */
        else
            fe->receive(fe->opaque, chunk, n);
    }
}

/* Hand pending input to the frontends as far as they accept it. */
static void chardev_deliver(Chardev *chr)
{
    if (chr->delivering) return; /* a frontend called accept_input from its receive */
    chr->delivering = true;
    frontend_deliver(chr, &chr->fe[FOCUS_SERIAL]);
    frontend_deliver(chr, &chr->fe[FOCUS_MONITOR]);
    chr->delivering = false;
    chardev_set_input_paused(chr, chr->fe[chr->focus].in_len == CHARDEV_INBUF);
}

static void chardev_queue_byte(Chardev *chr, uint8_t b)
{
    ChardevFrontend *fe = &chr->fe[chr->focus];
    if (fe->in_len < CHARDEV_INBUF) fe->inbuf[fe->in_len++] = b;
}

static void chardev_print(Chardev *chr, const char *text)
{
    chardev_write(chr, (const uint8_t *)text, strlen(text));
}

static const char mux_help_text[] = "\nC-a h    print this help\n"
                                    "C-a x    exit emulator\n"
                                    "C-a s    save disk data back to file (not supported)\n"
                                    "C-a c    switch between console and monitor\n"
                                    "C-a a    sends C-a\n";

/* The byte after Ctrl-A. */
static void mux_escape(Chardev *chr, uint8_t ch)
{
    switch (ch) {
    case 'x':
        fprintf(stderr, "doppel: terminated by Ctrl-A x\n");
        if (chr->machine) machine_request_shutdown(chr->machine, 0, false, "host-ui");
        break;
    case 'h':
    case '?': chardev_print(chr, mux_help_text); break;
    case 'c':
        if (chr->fe[FOCUS_MONITOR].receive) {
            chr->focus = chr->focus == FOCUS_SERIAL ? FOCUS_MONITOR : FOCUS_SERIAL;
            /* [monitor] so the monitor can print its prompt */
            if (chr->monitor_focus)
                chr->monitor_focus(chr->fe[FOCUS_MONITOR].opaque, chr->focus == FOCUS_MONITOR);
        } else {
            chardev_print(chr, "\ndoppel: no monitor on this console yet\n");
        }
        break;
    case 's': chardev_print(chr, "\ndoppel: Ctrl-A s (save disks) is not supported\n"); break;
    case 'a':
    case CTRL_A: chardev_queue_byte(chr, CTRL_A); break;
    default: break; /* unknown escapes are dropped, as in QEMU */
    }
}

void chardev_input(Chardev *chr, const uint8_t *buf, size_t len)
{
    if (!chr) return;
    for (size_t i = 0; i < len; i++) {
        uint8_t ch = buf[i];
        if (chr->mux && chr->escape_pending) {
            chr->escape_pending = false;
            mux_escape(chr, ch);
        } else if (chr->mux && ch == CTRL_A) {
            chr->escape_pending = true;
        } else {
            chardev_queue_byte(chr, ch);
        }
    }
    chardev_deliver(chr);
}

static void chardev_fd_readable(void *opaque, int fd, short revents)
{
    Chardev *chr = opaque;
    uint8_t buf[CHARDEV_INBUF];
    /* Read no more than fits: the mux only ever shrinks input. */
    size_t room = CHARDEV_INBUF - chr->fe[chr->focus].in_len;
    if (room == 0) {
        chardev_set_input_paused(chr, true);
        return;
    }
    ssize_t n = read(fd, buf, room);
    if (n > 0) {
        chardev_input(chr, buf, (size_t)n);
    } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
        /* End of input (a pipe closed): stop watching, keep output. */
        event_loop_remove_fd(chr->loop, fd);
        chr->in_fd = -1;
    }
}

/* ---- socket backend glue ---- */

static size_t chardev_socket_room(void *opaque)
{
    Chardev *chr = opaque;
    return CHARDEV_INBUF - chr->fe[chr->focus].in_len;
}

static void chardev_socket_input(void *opaque, const uint8_t *buf, size_t len)
{
    chardev_input(opaque, buf, len);
}

static void chardev_socket_event(void *opaque, ChardevEvent event)
{
    Chardev *chr = opaque;
    if (event == CHARDEV_EVENT_CLOSED) { /* a new client starts afresh */
        chr->escape_pending = false;
        chr->fe[FOCUS_SERIAL].in_len = chr->fe[FOCUS_MONITOR].in_len = 0;
    }
    if (chr->event_handler) chr->event_handler(chr->event_opaque, event);
}

/* ---- life cycle ---- */

static bool stdio_in_use(void)
{
    for (Chardev *c = chardev_list; c; c = c->next) {
        if (c->kind == CHR_STDIO) return true;
    }
    return false;
}

Chardev *chardev_from_spec(Machine *m, const char *spec, char *err, size_t errlen)
{
    ChardevSpec cs;
    err[0] = '\0';
    if (!chardev_parse(spec, &cs, err, errlen) || cs.kind == CHR_NONE) return NULL;
    if (cs.kind == CHR_STDIO && stdio_in_use()) {
        snprintf(err, errlen, "%s: stdio is already used by another chardev", spec);
        return NULL;
    }
    int out_fd = -1, in_fd = -1;
    if (cs.kind == CHR_FILE) {
        out_fd = open(cs.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (out_fd < 0) {
            snprintf(err, errlen, "cannot open '%s': %s", cs.path, strerror(errno));
            return NULL;
        }
    } else if (cs.kind == CHR_STDIO) {
        in_fd = STDIN_FILENO;
        out_fd = STDOUT_FILENO;
        terminal_make_raw();
    }
    Chardev *chr = calloc(1, sizeof *chr);
    chr->kind = cs.kind;
    chr->machine = m;
    chr->loop = m ? m->loop : NULL;
    chr->mux = cs.mux;
    chr->in_fd = in_fd;
    chr->out_fd = out_fd;
    if (cs.kind == CHR_TCP || cs.kind == CHR_UNIX) {
        ChardevSocketOwner owner = {chardev_socket_room, chardev_socket_input, chardev_socket_event,
                                    chr};
        chr->sock = chr_socket_open(chr->loop, cs.path, &owner, err, errlen);
        if (!chr->sock) {
            free(chr);
            return NULL;
        }
    }
    if (chr->loop && in_fd >= 0 &&
        !event_loop_add_fd(chr->loop, in_fd, POLLIN, chardev_fd_readable, chr))
        chr->in_fd = -1;
    chr->next = chardev_list;
    chardev_list = chr;
    return chr;
}

void chardev_close(Chardev *chr)
{
    if (!chr) return;
    for (Chardev **p = &chardev_list; *p; p = &(*p)->next) {
        if (*p == chr) {
            *p = chr->next;
            break;
        }
    }
    if (chr->loop && chr->in_fd >= 0) event_loop_remove_fd(chr->loop, chr->in_fd);
    if (chr->kind == CHR_FILE) close(chr->out_fd);
    chr_socket_close(chr->sock);
    if (chr->kind == CHR_STDIO) chardev_restore_terminal();
    free(chr->id);
    free(chr);
}

void chardev_set_id(Chardev *chr, const char *id)
{
    free(chr->id);
    chr->id = strdup(id);
    /* Named ports are the guest's (serial0, -device ...,chardev=id). */
    if (!chr->rr && chr->machine &&
        (replay_recording(chr->machine) || replay_replaying(chr->machine)))
        chr->rr = replay_channel(chr->machine, id, chardev_rr_deliver, chr);
}

Chardev *chardev_find(const char *id)
{
    for (Chardev *c = chardev_list; c; c = c->next) {
        if (c->id && strcmp(c->id, id) == 0) return c;
    }
    return NULL;
}

/* ---- frontend API ---- */

void chardev_set_handlers(Chardev *chr, ChardevCanReceive can_receive, ChardevReceive receive,
                          void *opaque)
{
    if (!chr) return;
    ChardevFrontend *fe = &chr->fe[FOCUS_SERIAL];
    fe->can_receive = can_receive;
    fe->receive = receive;
    fe->opaque = opaque;
    chardev_deliver(chr);
}

bool chardev_mux_set_monitor(Chardev *mux, ChardevCanReceive can_receive, ChardevReceive receive,
                             void *opaque)
{
    if (!mux || !mux->mux) return false;
    ChardevFrontend *fe = &mux->fe[FOCUS_MONITOR];
    fe->can_receive = can_receive;
    fe->receive = receive;
    fe->opaque = opaque;
    if (!receive) { /* [monitor] detached: nobody left to switch to */
        mux->focus = FOCUS_SERIAL;
        mux->monitor_focus = NULL;
        fe->in_len = 0;
    }
    return true;
}

/* [monitor] */
void chardev_mux_set_monitor_focus(Chardev *mux, ChardevFocusChanged focus_changed)
{
    if (mux && mux->mux) mux->monitor_focus = focus_changed;
}

size_t chardev_write(Chardev *chr, const uint8_t *buf, size_t len)
{
    /* Reverse execution re-runs the guest to an earlier point: what it
     * prints on the way was printed the first time already. */
    if (chr && chr->rr && reverse_rerunning(chr->machine)) return len;
    if (chr && chr->sock) return chr_socket_write(chr->sock, buf, len);
    if (!chr || chr->out_fd < 0) return len; /* null backend: output vanishes */
    size_t done = 0;
    while (done < len) {
        ssize_t n = write(chr->out_fd, buf + done, len - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno == EAGAIN) {
            struct pollfd p = {chr->out_fd, POLLOUT, 0};
            poll(&p, 1, -1);
            continue;
        }
        if (n <= 0) break; /* e.g. stdout closed: the guest's output is lost */
        done += (size_t)n;
    }
    return done;
}

void chardev_set_event_handler(Chardev *chr, ChardevEventHandler handler, void *opaque)
{
    if (!chr) return;
    chr->event_handler = handler;
    chr->event_opaque = opaque;
    if (handler && chardev_is_connected(chr)) handler(opaque, CHARDEV_EVENT_OPENED);
}

bool chardev_is_connected(const Chardev *chr)
{
    return chr && (!chr->sock || chr_socket_connected(chr->sock));
}

void chardev_disconnect(Chardev *chr)
{
    if (chr && chr->sock) chr_socket_disconnect(chr->sock);
}

bool chardev_is_socket(const Chardev *chr)
{
    return chr && chr->sock;
}

int chardev_socket_port(const Chardev *chr)
{
    return chr && chr->sock ? chr_socket_port(chr->sock) : -1;
}

void chardev_accept_input(Chardev *chr)
{
    if (chr) chardev_deliver(chr);
}

bool chardev_open_serial0(Machine *m, Chardev **chr)
{
    const char *serial = m->opts && m->opts->nserials ? m->opts->serials[0] : "mon:stdio";
    char err[256] = "";
    *chr = chardev_from_spec(m, serial, err, sizeof err);
    if (!*chr && err[0]) {
        fprintf(stderr, "doppel: -serial %s: %s\n", serial, err);
        return false;
    }
    if (*chr) chardev_set_id(*chr, "serial0");
    return true;
}
