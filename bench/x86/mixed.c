/* A CoreMark-like mix: linked-list search and reversal, a small integer
 * matrix multiply, a state machine over a string and CRC-16.
 * bench: mixed, iterations 300 */
#include "bench.h"

struct node {
    struct node *next;
    int32_t value;
};
#define NODES 256
static struct node pool[NODES];
static int16_t ma[16][16], mb[16][16];
static int32_t mc[16][16];

static struct node *reverse(struct node *p)
{
    struct node *r = 0;
    while (p) {
        struct node *n = p->next;
        p->next = r;
        r = p;
        p = n;
    }
    return r;
}

static uint16_t crc16(uint16_t crc, uint8_t byte)
{
    crc ^= byte;
    for (int i = 0; i < 8; i++)
        crc = crc & 1 ? (crc >> 1) ^ 0xa001 : crc >> 1;
    return crc;
}

static int scan(const char *s)
{
    int state = 0, count = 0;
    for (; *s; s++) {
        char ch = *s;
        if (ch >= '0' && ch <= '9')
            state = state == 2 ? 3 : 1;
        else if (ch == '.' || ch == 'e')
            state = state == 1 ? 2 : 0;
        else {
            count += state == 3;
            state = 0;
        }
    }
    return count;
}

int main(void)
{
    static const char text[] = "35.1 12e7 x 5.5.5 42 0.25 7e1 9 e 3.14159 2.71 1e10 ...";
    uint32_t sum = 0;
    for (int i = 0; i < NODES; i++) {
        pool[i].value = (i * 37) % 101;
        pool[i].next = i + 1 < NODES ? &pool[i + 1] : 0;
    }
    struct node *head = &pool[0];
    for (int i = 0; i < 16; i++)
        for (int j = 0; j < 16; j++)
            ma[i][j] = (int16_t)(i - j), mb[i][j] = (int16_t)(i + 2 * j);
    uint16_t crc = 0xffff;
    for (uint32_t it = 0; it < ITERS; it++) {
        head = reverse(head);
        int32_t found = 0;
        for (struct node *p = head; p; p = p->next)
            if (p->value == (int32_t)(it % 101)) found++;
        for (int i = 0; i < 16; i++)
            for (int j = 0; j < 16; j++) {
                int32_t s = 0;
                for (int k = 0; k < 16; k++)
                    s += ma[i][k] * mb[k][j];
                mc[i][j] = s;
            }
        ma[it & 15][(it >> 4) & 15]++;
        int n = scan(text);
        crc = crc16(crc, (uint8_t)(found + n + mc[it & 15][3]));
        sum += (uint32_t)found * 7 + (uint32_t)n + (uint32_t)mc[5][it & 15];
    }
    print_checksum("mixed", sum ^ crc);
    return 0;
}
