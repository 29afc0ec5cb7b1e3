/*
 * NIC <-> backend plumbing: the per-machine registry of -netdev backends,
 * attachment by id, and the bounded queue that holds frames for a NIC
 * with no room (backpressure instead of loss while the guest catches up).
 */
#include "net/net.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/machine.h"
#include "core/options.h"
#include "core/replay.h"

typedef struct NetRegistry {
    NetBackend *head;
} NetRegistry;

static NetRegistry *net_registry(Machine *m, bool create)
{
    NetRegistry *r = machine_find_bus(m, NET_REGISTRY_NAME);
    if (r || !create) return r;
    r = calloc(1, sizeof *r);
    if (!machine_add_bus(m, NET_REGISTRY_NAME, r)) {
        free(r);
        return NULL;
    }
    return r;
}

NetBackend *net_backend_find(Machine *m, const char *id)
{
    NetRegistry *r = net_registry(m, false);
    for (NetBackend *b = r ? r->head : NULL; b; b = b->next)
        if (!strcmp(b->id, id)) return b;
    return NULL;
}

NetBackend *net_backend_new(Machine *m, const char *id, const NetBackendOps *ops, void *opaque,
                            char *err, size_t errlen)
{
    if (net_backend_find(m, id)) {
        snprintf(err, errlen, "duplicate netdev id '%s'", id);
        return NULL;
    }
    NetRegistry *r = net_registry(m, true);
    if (!r) {
        snprintf(err, errlen, "too many buses on this machine for the network registry");
        return NULL;
    }
    NetBackend *b = calloc(1, sizeof *b);
    b->ops = ops;
    b->opaque = opaque;
    b->id = strdup(id);
    b->machine = m;
    NetBackend **tail = &r->head;
    while (*tail)
        tail = &(*tail)->next;
    *tail = b;
    return b;
}

static void net_queue_clear(NetBackend *b)
{
    for (; b->q_count; b->q_count--) {
        free(b->queue[b->q_head].data);
        b->q_head = (b->q_head + 1) % NET_QUEUE_LIMIT;
    }
    b->q_head = 0;
}

void net_backends_free(Machine *m)
{
    NetRegistry *r = net_registry(m, false);
    if (!r) return;
    for (NetBackend *b = r->head, *next; b; b = next) {
        next = b->next;
        if (b->client) b->client->backend = NULL;
        if (b->ops->cleanup) b->ops->cleanup(b);
        net_queue_clear(b);
        free(b->id);
        free(b);
    }
    machine_remove_bus(m, r);
    free(r);
}

static bool net_backend_create_one(Machine *m, const NetdevOpts *n, char *err, size_t errlen)
{
    char why[200];
    NetBackend *b = NULL;
    if (n->type && !strcmp(n->type, "user"))
        b = net_slirp_create(m, n, why, sizeof why);
    else
        snprintf(why, sizeof why, "unknown type '%s'", n->type ? n->type : "");
    if (!b) snprintf(err, errlen, "-netdev %s: %s", n->spec, why);
    return b != NULL;
}

bool net_backends_create(Machine *m, const Options *o, char *err, size_t errlen)
{
    for (int i = 0; i < o->nnetdevs; i++) {
        const NetdevOpts *n = &o->netdevs[i];
        if (n->id && net_backend_find(m, n->id)) continue; /* already made for a NIC */
        char why[300];
        if (!net_backend_create_one(m, n, why, sizeof why)) {
            snprintf(err, errlen, "doppel: %s", why);
            return false;
        }
    }
    return true;
}

/* A board that did not call net_backends_create still gets the -netdev a
 * NIC names (freed with net_backends_free, or at exit). */
static NetBackend *net_backend_from_options(Machine *m, const char *id, char *err, size_t errlen)
{
    for (int i = 0; m->opts && i < m->opts->nnetdevs; i++) {
        const NetdevOpts *n = &m->opts->netdevs[i];
        if (!n->id || strcmp(n->id, id)) continue;
        if (!net_backend_create_one(m, n, err, errlen)) return NULL;
        return net_backend_find(m, id);
    }
    snprintf(err, errlen, "netdev '%s' not found", id);
    return NULL;
}

static bool net_queue_push(NetBackend *b, const uint8_t *frame, size_t len)
{
    if (b->q_count == NET_QUEUE_LIMIT) {
        b->dropped++;
        return false;
    }
    struct NetQueued *q = &b->queue[(b->q_head + b->q_count) % NET_QUEUE_LIMIT];
    q->data = malloc(len ? len : 1);
    memcpy(q->data, frame, len);
    q->len = len;
    b->q_count++;
    return true;
}

/* Hand a frame to the NIC: directly, or through the replay channel, whose
 * delivery (now, at the next slice boundary, or from the log) checks for
 * room again because that is a guest-state decision both runs share. */
static void net_hand_over(NetBackend *b, NetClient *nc, const uint8_t *frame, size_t len)
{
    if (b->rr)
        replay_input(b->rr, frame, len);
    else
        nc->receive(nc->opaque, frame, len);
}

static void net_replay_deliver(void *opaque, const uint8_t *frame, size_t len)
{
    NetBackend *b = opaque;
    NetClient *nc = b->client;
    if (nc && len <= NET_MAX_FRAME && nc->can_receive(nc->opaque))
        nc->receive(nc->opaque, frame, len);
    else
        b->dropped++;
}

bool net_backend_deliver(NetBackend *b, const uint8_t *frame, size_t len)
{
    NetClient *nc = b->client;
    if (!nc || len > NET_MAX_FRAME) return false;
    /* Replay: the recorded frames come instead of the backend's. */
    if (b->machine && replay_replaying(b->machine)) return true;
    /* Keep order: nothing overtakes frames already queued. */
    if (!b->q_count && nc->can_receive(nc->opaque)) {
        net_hand_over(b, nc, frame, len);
        return true;
    }
    return net_queue_push(b, frame, len);
}

bool net_client_attach(Machine *m, NetClient *nc, const char *id, char *err, size_t errlen)
{
    NetBackend *b = m ? net_backend_find(m, id) : NULL;
    if (!b && m) b = net_backend_from_options(m, id, err, errlen);
    if (!b) {
        if (!m) snprintf(err, errlen, "netdev '%s' not found", id);
        return false;
    }
    if (b->client) {
        snprintf(err, errlen, "netdev '%s' is already in use", id);
        return false;
    }
    b->client = nc;
    nc->backend = b;
    if (m && (replay_recording(m) || replay_replaying(m)) && !b->rr) {
        char name[40];
        snprintf(name, sizeof name, "net:%s", b->id ? b->id : "?");
        b->rr = replay_channel(m, name, net_replay_deliver, b);
    }
    return true;
}

void net_client_detach(NetClient *nc)
{
    NetBackend *b = nc->backend;
    if (!b) return;
    net_queue_clear(b);
    b->client = NULL;
    nc->backend = NULL;
}

void net_send(NetClient *nc, const uint8_t *frame, size_t len)
{
    NetBackend *b = nc->backend;
    if (b && len <= NET_MAX_FRAME) b->ops->receive_from_guest(b, frame, len);
}

void net_flush_queued(NetClient *nc)
{
    NetBackend *b = nc->backend;
    if (!b) return;
    /* receive may re-enter (the NIC transmits, the backend answers): take
     * each frame off the queue before handing it over. */
    while (b->q_count && nc->can_receive(nc->opaque)) {
        struct NetQueued q = b->queue[b->q_head];
        b->q_head = (b->q_head + 1) % NET_QUEUE_LIMIT;
        b->q_count--;
        net_hand_over(b, nc, q.data, q.len);
        free(q.data);
        if (nc->backend != b) return; /* detached meanwhile */
    }
    if (!b->q_count && b->ops->guest_can_receive) b->ops->guest_can_receive(b);
}
