/*
 * Record/replay of non-deterministic inputs (core/replay.h).  The log is a
 * header and a stream of events; each event names a channel by a small
 * number that a DEFINE event ties to the channel's name the first time it
 * is used, so a replay maps recorded channels to this run's by name.
 */
#include "core/replay.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/bytes.h"
#include "core/event_loop.h"
#include "core/log.h"
#include "core/machine.h"
#include "core/options.h"
#include "core/reverse.h"

#define REPLAY_MAGIC        "DPRR"
#define REPLAY_FORMAT       1
#define REPLAY_MAX_CHANNELS 32
#define REPLAY_MAX_EVENT    (1u << 20) /* bytes of one event's data */

/* Channel numbers above the channels' own. */
enum {
    RR_EVENT_DEFINE = 0xfffd,    /* data: u16 channel, name */
    RR_EVENT_WALLCLOCK = 0xfffe, /* data: i64 ns */
    RR_EVENT_END = 0xffff,       /* data: i32 exit status */
};

struct ReplayChannel {
    Replay *rr;
    char name[32];
    ReplayDeliver *deliver;
    void *opaque;
    int recorded_id; /* record: the number used in the log, -1 until defined */
};

/* Input that arrived while guest code ran (a device answering an MMIO
 * access): recorded at the next slice boundary, where replay can put it. */
typedef struct ReplayDeferred {
    struct ReplayDeferred *next;
    ReplayChannel *ch;
    size_t len;
    uint8_t data[];
} ReplayDeferred;

typedef struct ReplayEvent {
    uint64_t icount;
    uint16_t channel; /* a recorded channel number, or RR_EVENT_* */
    uint32_t len;
    uint8_t *data;
} ReplayEvent;

struct Replay {
    Machine *m;
    RrMode mode;
    char *path;
    FILE *out; /* record */
    ReplayChannel channels[REPLAY_MAX_CHANNELS];
    int nchannels;
    int next_recorded_id;

    /* replay: the whole log, and where we are in it */
    ReplayEvent *events;
    size_t nevents;
    size_t pos;                              /* next event to deliver */
    size_t wall_pos;                         /* next wallclock event to hand out */
    ReplayChannel *map[REPLAY_MAX_CHANNELS]; /* recorded number -> channel */
    char recorded_names[REPLAY_MAX_CHANNELS][32];
    bool ended;

    ReplayDeferred *deferred, **deferred_tail;
    bool deferred_scheduled;
};

bool replay_recording(const Machine *m)
{
    return m->replay && m->replay->mode == RR_RECORD;
}

bool replay_replaying(const Machine *m)
{
    return m->replay && m->replay->mode == RR_REPLAY;
}

/* ---- the log on disk ---- */

static void rr_write_event(Replay *rr, uint64_t icount, uint16_t channel, const void *data,
                           uint32_t len)
{
    uint8_t head[14];
    put_le64(head, icount);
    put_le16(head + 8, channel);
    put_le32(head + 10, len);
    /* Flushed per event: a run that is killed keeps what it recorded. */
    if (fwrite(head, 1, sizeof head, rr->out) != sizeof head ||
        (len && fwrite(data, 1, len, rr->out) != len) || fflush(rr->out) != 0) {
        fprintf(stderr, "doppel: -icount rrfile=%s: write failed: %s\n", rr->path, strerror(errno));
        /* Stop recording rather than write a log that cannot replay. */
        fclose(rr->out);
        rr->out = NULL;
    }
}

static bool rr_write_header(Replay *rr, char *err, size_t errlen)
{
    const char *machine = rr->m->mc->name;
    uint8_t head[4 + 4 + 1 + 32 + 4];
    memset(head, 0, sizeof head);
    memcpy(head, REPLAY_MAGIC, 4);
    put_le32(head + 4, REPLAY_FORMAT);
    size_t n = strlen(machine) < 32 ? strlen(machine) : 31;
    head[8] = (uint8_t)n;
    memcpy(head + 9, machine, n);
    put_le32(head + 41, (uint32_t)rr->m->icount_shift);
    if (fwrite(head, 1, sizeof head, rr->out) != sizeof head || fflush(rr->out) != 0) {
        snprintf(err, errlen, "-icount rrfile=%s: write failed: %s", rr->path, strerror(errno));
        return false;
    }
    return true;
}

/* Read the whole log; every length is checked against what remains. */
static bool rr_load(Replay *rr, char *err, size_t errlen)
{
    FILE *f = fopen(rr->path, "rb");
    if (!f) {
        snprintf(err, errlen, "-icount rrfile=%s: cannot open: %s", rr->path, strerror(errno));
        return false;
    }
    uint8_t head[45];
    bool ok = fread(head, 1, sizeof head, f) == sizeof head && !memcmp(head, REPLAY_MAGIC, 4);
    if (!ok) {
        snprintf(err, errlen, "-icount rrfile=%s: not a doppel replay log", rr->path);
        fclose(f);
        return false;
    }
    char machine[33] = {0};
    memcpy(machine, head + 9, head[8] < 32 ? head[8] : 32);
    if (get_le32(head + 4) != REPLAY_FORMAT) {
        snprintf(err, errlen, "-icount rrfile=%s: log format %u, this doppel reads %u", rr->path,
                 get_le32(head + 4), REPLAY_FORMAT);
    } else if (strcmp(machine, rr->m->mc->name) != 0) {
        snprintf(err, errlen, "-icount rrfile=%s: recorded on machine '%s', this is '%s'", rr->path,
                 machine, rr->m->mc->name);
    } else if ((int)get_le32(head + 41) != rr->m->icount_shift) {
        snprintf(err, errlen, "-icount rrfile=%s: recorded with shift=%d, replaying with shift=%d",
                 rr->path, (int)get_le32(head + 41), rr->m->icount_shift);
    } else {
        err[0] = '\0';
    }
    if (err[0]) {
        fclose(f);
        return false;
    }
    size_t cap = 0;
    uint8_t eh[14];
    size_t got;
    while ((got = fread(eh, 1, sizeof eh, f)) == sizeof eh) {
        ReplayEvent ev = {
            .icount = get_le64(eh), .channel = get_le16(eh + 8), .len = get_le32(eh + 10)};
        if (ev.len > REPLAY_MAX_EVENT) break;
        if (ev.len) {
            ev.data = malloc(ev.len);
            if (!ev.data || fread(ev.data, 1, ev.len, f) != ev.len) {
                free(ev.data);
                break;
            }
        }
        if (rr->nevents == cap) {
            cap = cap ? cap * 2 : 256;
            ReplayEvent *grown = realloc(rr->events, cap * sizeof *grown);
            if (!grown) {
                free(ev.data);
                break;
            }
            rr->events = grown;
        }
        rr->events[rr->nevents++] = ev;
        if (ev.channel == RR_EVENT_END) break;
    }
    fclose(f);
    if (got != 0 && got != sizeof eh)
        LOG_MASK(LOG_GUEST_ERRORS, "replay: %s ends inside an event\n", rr->path);
    return true;
}

/* ---- life cycle ---- */

bool replay_setup(Machine *m, char *err, size_t errlen)
{
    err[0] = '\0';
    const Options *o = m->opts;
    if (!o || o->icount.rr == RR_OFF) return true;
    /* Channels made before (by devices) stay: their names map the log. */
    Replay *rr = m->replay ? m->replay : calloc(1, sizeof *rr);
    if (!rr || !(rr->path = strdup(o->icount.rrfile))) {
        if (rr != m->replay) free(rr);
        snprintf(err, errlen, "-icount: out of memory");
        return false;
    }
    rr->m = m;
    rr->mode = o->icount.rr;
    bool ok;
    if (rr->mode == RR_RECORD) {
        rr->out = fopen(rr->path, "wb");
        if (!rr->out)
            snprintf(err, errlen, "-icount rrfile=%s: cannot create: %s", rr->path,
                     strerror(errno));
        ok = rr->out && rr_write_header(rr, err, errlen);
    } else {
        ok = rr_load(rr, err, errlen);
    }
    m->replay = rr;
    if (!ok) {
        replay_finish(m, 0);
        return false;
    }
    vm_replay_attach(m);
    return true;
}

void replay_finish(Machine *m, int exit_status)
{
    Replay *rr = m->replay;
    if (!rr) return;
    if (rr->out) {
        uint8_t st[4];
        put_le32(st, (uint32_t)exit_status);
        rr_write_event(rr, machine_total_icount(m), RR_EVENT_END, st, 4);
        if (rr->out) fclose(rr->out);
    }
    for (ReplayDeferred *d = rr->deferred, *next; d; d = next) {
        next = d->next;
        free(d);
    }
    for (size_t i = 0; i < rr->nevents; i++)
        free(rr->events[i].data);
    free(rr->events);
    free(rr->path);
    free(rr);
    m->replay = NULL;
}

/* ---- channels ---- */

ReplayChannel *replay_channel(Machine *m, const char *name, ReplayDeliver *deliver, void *opaque)
{
    /* Without rr the channels still exist (they only deliver): the table
     * lives with the machine either way. */
    if (!m->replay) {
        m->replay = calloc(1, sizeof *m->replay);
        if (!m->replay) return NULL;
        m->replay->m = m;
        m->replay->mode = RR_OFF;
    }
    Replay *rr = m->replay;
    if (rr->nchannels == REPLAY_MAX_CHANNELS) return NULL;
    ReplayChannel *ch = &rr->channels[rr->nchannels++];
    ch->rr = rr;
    snprintf(ch->name, sizeof ch->name, "%s", name);
    ch->deliver = deliver;
    ch->opaque = opaque;
    ch->recorded_id = -1;
    for (int i = 0; i < REPLAY_MAX_CHANNELS; i++)
        if (rr->recorded_names[i][0] && !strcmp(rr->recorded_names[i], ch->name)) rr->map[i] = ch;
    return ch;
}

/* Whether a vCPU is inside a translated block now (both tiers set
 * current_tb before anything that can reach a device). */
static bool rr_in_guest_code(const Machine *m)
{
    for (int i = 0; i < m->ncpus; i++)
        if (m->cpus[i]->current_tb) return true;
    return false;
}

bool replay_must_defer(const Machine *m)
{
    return m && replay_recording(m) && rr_in_guest_code(m);
}

static void rr_run_deferred(void *opaque)
{
    Replay *rr = opaque;
    rr->deferred_scheduled = false;
    ReplayDeferred *list = rr->deferred;
    rr->deferred = NULL;
    rr->deferred_tail = &rr->deferred;
    while (list) {
        ReplayDeferred *d = list;
        list = d->next;
        replay_input(d->ch, d->data, d->len);
        free(d);
    }
}

static void rr_defer(Replay *rr, ReplayChannel *ch, const uint8_t *data, size_t len)
{
    ReplayDeferred *d = malloc(sizeof *d + len);
    if (!d) return;
    d->next = NULL;
    d->ch = ch;
    d->len = len;
    memcpy(d->data, data, len);
    if (!rr->deferred_tail) rr->deferred_tail = &rr->deferred;
    *rr->deferred_tail = d;
    rr->deferred_tail = &d->next;
    if (!rr->deferred_scheduled && rr->m->loop) {
        rr->deferred_scheduled = true;
        event_loop_schedule(rr->m->loop, rr_run_deferred, rr);
    }
}

void replay_input(ReplayChannel *ch, const uint8_t *data, size_t len)
{
    if (!ch) return;
    Replay *rr = ch->rr;
    if (rr->mode == RR_REPLAY) return; /* the recorded input comes instead */
    if (rr->mode == RR_OFF) {
        ch->deliver(ch->opaque, data, len);
        return;
    }
    if (rr_in_guest_code(rr->m)) {
        rr_defer(rr, ch, data, len);
        return;
    }
    if (rr->out && len <= REPLAY_MAX_EVENT) {
        uint64_t now = machine_total_icount(rr->m);
        if (ch->recorded_id < 0) {
            uint8_t def[2 + sizeof ch->name];
            ch->recorded_id = rr->next_recorded_id++;
            put_le16(def, (uint16_t)ch->recorded_id);
            size_t n = strlen(ch->name);
            memcpy(def + 2, ch->name, n);
            rr_write_event(rr, now, RR_EVENT_DEFINE, def, (uint32_t)(2 + n));
        }
        if (rr->out) rr_write_event(rr, now, (uint16_t)ch->recorded_id, data, (uint32_t)len);
    }
    ch->deliver(ch->opaque, data, len);
}

int64_t replay_wallclock_ns(Machine *m)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    int64_t now = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
    Replay *rr = m->replay;
    if (!rr) return now;
    if (rr->mode == RR_RECORD) {
        if (rr->out) {
            uint8_t v[8];
            put_le64(v, (uint64_t)now);
            rr_write_event(rr, machine_total_icount(m), RR_EVENT_WALLCLOCK, v, 8);
        }
        return now;
    }
    for (; rr->wall_pos < rr->nevents; rr->wall_pos++) {
        const ReplayEvent *ev = &rr->events[rr->wall_pos];
        if (ev->channel == RR_EVENT_WALLCLOCK && ev->len == 8) {
            rr->wall_pos++;
            return (int64_t)get_le64(ev->data);
        }
    }
    return now; /* the recording read the clock fewer times: out of sync */
}

/* ---- replay's schedule ---- */

/* The next event machine_run must stop for (skips wallclock events, which
 * are handed out in order by replay_wallclock_ns). */
static const ReplayEvent *rr_next(Replay *rr)
{
    while (rr->pos < rr->nevents && rr->events[rr->pos].channel == RR_EVENT_WALLCLOCK)
        rr->pos++;
    return rr->pos < rr->nevents ? &rr->events[rr->pos] : NULL;
}

uint64_t replay_slice_budget(Machine *m, uint64_t budget)
{
    if (!replay_replaying(m) || m->replay->ended) return budget;
    const ReplayEvent *ev = rr_next(m->replay);
    if (!ev) return budget;
    uint64_t now = machine_total_icount(m);
    uint64_t left = ev->icount > now ? ev->icount - now : 0;
    return left < budget ? left : budget;
}

static void rr_define(Replay *rr, const ReplayEvent *ev)
{
    if (ev->len < 3 || ev->len > 2 + 31) return;
    uint16_t id = get_le16(ev->data);
    if (id >= REPLAY_MAX_CHANNELS) return;
    memcpy(rr->recorded_names[id], ev->data + 2, ev->len - 2);
    rr->recorded_names[id][ev->len - 2] = '\0';
    rr->map[id] = NULL;
    for (int i = 0; i < rr->nchannels; i++)
        if (!strcmp(rr->channels[i].name, rr->recorded_names[id])) rr->map[id] = &rr->channels[i];
}

void replay_deliver_due(Machine *m)
{
    if (!replay_replaying(m)) return;
    Replay *rr = m->replay;
    if (rr->ended) return;
    uint64_t now = machine_total_icount(m);
    const ReplayEvent *ev;
    while ((ev = rr_next(rr)) && ev->icount <= now) {
        rr->pos++;
        if (ev->icount < now) {
            fprintf(stderr,
                    "doppel: replay: out of sync: an input recorded at instruction %llu is due at "
                    "%llu\n",
                    (unsigned long long)ev->icount, (unsigned long long)now);
            rr->ended = true;
            vm_stop(m, RUN_STATE_PAUSED);
            return;
        }
        if (ev->channel == RR_EVENT_DEFINE) {
            rr_define(rr, ev);
        } else if (ev->channel == RR_EVENT_END) {
            rr->ended = true;
            /* With a debugger attached the end of the history is a stop
             * (it may go back from there); otherwise the run ends as the
             * recording did. */
            if (reverse_stop_at_end(m)) return;
            int status = ev->len == 4 ? (int)get_le32(ev->data) : 0;
            machine_request_shutdown(m, status, false, "replay-end");
            return;
        } else if (ev->channel < REPLAY_MAX_CHANNELS && rr->map[ev->channel]) {
            ReplayChannel *ch = rr->map[ev->channel];
            ch->deliver(ch->opaque, ev->data, ev->len);
        } else {
            LOG_MASK(LOG_GUEST_ERRORS, "replay: input for a channel this machine lacks\n");
        }
    }
    if (!ev && !rr->ended) {
        /* A log without its end event: the recording was interrupted. */
        rr->ended = true;
        fprintf(stderr,
                "doppel: replay: the log ends here (instruction %llu) without an end "
                "marker; the machine is paused\n",
                (unsigned long long)now);
        vm_stop(m, RUN_STATE_PAUSED);
    }
}

uint64_t replay_position(const Machine *m)
{
    return m->replay ? m->replay->pos : 0;
}

void replay_set_position(Machine *m, uint64_t position)
{
    Replay *rr = m->replay;
    if (!rr || position > rr->nevents) return;
    rr->pos = (size_t)position;
    rr->ended = false;
    /* Channel definitions before the new position stay known; wallclock
     * reads happen at start-up only, so their position is left alone. */
}
