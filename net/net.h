/*
 * The link between a NIC model and a network backend (blueprint §8).
 *
 * Each -netdev becomes a NetBackend owned by the Machine (a per-machine
 * registry reached through machine_find_bus(m, NET_REGISTRY_NAME)).  A NIC
 * embeds a NetClient, attaches it to the backend its netdev= property
 * names, and sends guest frames with net_send.  Frames from the backend
 * reach the NIC's receive callback when can_receive says it has room;
 * otherwise they wait in a bounded queue until the NIC calls
 * net_flush_queued after it gains room (the guest gave it buffers).
 *
 *     // board, after the bus set-up and before -device:
 *     if (!net_backends_create(m, m->opts, err, sizeof err)) ... print err
 *     // NIC realize:
 *     s->nc = (NetClient){.receive = e1000_receive, .can_receive = e1000_can_receive, .opaque = s};
 *     if (!net_client_attach(m, &s->nc, s->netdev, err, sizeof err)) ... "doppel: e1000: <err>"
 *     // NIC finalize: net_client_detach(&s->nc);
 *     // board finalize (after the devices are freed): net_backends_free(m);
 */
#ifndef DOPPEL_NET_H
#define DOPPEL_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct Machine Machine;
struct Options;
struct NetdevOpts;

#define NET_REGISTRY_NAME "net"
#define NET_MAX_FRAME     65536 /* largest frame either side passes */
#define NET_QUEUE_LIMIT   512   /* frames held for a NIC that has no room */

typedef struct NetBackend NetBackend;
typedef struct NetClient NetClient;

/* The NIC side.  receive is called only when can_receive returned true
 * just before; it must take the frame (it may drop it as the hardware
 * would, e.g. filtered out). */
struct NetClient {
    bool (*can_receive)(void *opaque);
    void (*receive)(void *opaque, const uint8_t *frame, size_t len);
    void *opaque;
    NetBackend *backend; /* set by net_client_attach; NULL: not connected */
};

/* The backend side: what a backend type implements. */
typedef struct NetBackendOps {
    const char *type; /* "user", "test" */
    /* A frame from the guest (NIC transmit). */
    void (*receive_from_guest)(NetBackend *b, const uint8_t *frame, size_t len);
    /* The NIC gained room after holding frames back (may be NULL). */
    void (*guest_can_receive)(NetBackend *b);
    /* Free what the backend allocated (b->opaque). */
    void (*cleanup)(NetBackend *b);
} NetBackendOps;

struct NetBackend {
    const NetBackendOps *ops;
    void *opaque; /* backend state */
    char *id;
    Machine *machine;
    NetClient *client; /* the NIC attached, or NULL */
    /* Frames for the NIC waiting for room (FIFO ring). */
    struct NetQueued {
        uint8_t *data;
        size_t len;
    } queue[NET_QUEUE_LIMIT];
    unsigned q_head, q_count;
    uint64_t dropped; /* frames dropped because the queue was full */
    /* Under -icount rr= the frames the NIC takes are recorded and replayed
     * through this channel (core/replay.h); NULL without rr. */
    struct ReplayChannel *rr;
    NetBackend *next;
};

/* Create every -netdev of o on m (those not created yet).  False with one line in err ("doppel:
 * -netdev user,id=n0: ...") on a bad option or a backend that fails. */
bool net_backends_create(Machine *m, const struct Options *o, char *err, size_t errlen);
/* Free every backend of m (after the NICs, or detaching them). */
void net_backends_free(Machine *m);

/* Register a backend of the given ops under id (tests, backends).  NULL
 * with one line in err if the id is taken. */
NetBackend *net_backend_new(Machine *m, const char *id, const NetBackendOps *ops, void *opaque,
                            char *err, size_t errlen);
NetBackend *net_backend_find(Machine *m, const char *id);
/* A frame for the NIC: delivered now if it can receive, else queued (the
 * oldest frames kept; dropped when the queue is full).  Dropped silently
 * when no NIC is attached.  Returns true if delivered or queued. */
bool net_backend_deliver(NetBackend *b, const uint8_t *frame, size_t len);

/* Attach nc to the backend named id; a -netdev of m->opts not created
 * yet is created now (boards that skip net_backends_create).  False with
 * one line in err ("netdev 'x' not found", "netdev 'x' is already in
 * use", "-netdev user,...: <why>"). */
bool net_client_attach(Machine *m, NetClient *nc, const char *id, char *err, size_t errlen);
void net_client_detach(NetClient *nc);
/* A frame from the guest to the backend (dropped when not connected). */
void net_send(NetClient *nc, const uint8_t *frame, size_t len);
/* The NIC has room again: deliver queued frames while it can receive. */
void net_flush_queued(NetClient *nc);

/* Backend constructors by -netdev type (net/slirp.c). */
NetBackend *net_slirp_create(Machine *m, const struct NetdevOpts *o, char *err, size_t errlen);

#endif
